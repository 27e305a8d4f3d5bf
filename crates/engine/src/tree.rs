//! The org tree with dense pre-order ids: org `d`'s subtree is the ids `d..end(d)`.

use kaohe_domain::ids::OrgId;
use std::collections::{BTreeMap, HashMap};

/// The org tree, numbered in pre-order.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    ids: Vec<OrgId>,
    dense: HashMap<OrgId, u32>,
    end: Vec<u32>,
    parent: Vec<u32>,
}

/// No parent.
pub(crate) const NONE: u32 = u32::MAX;

impl OrgTree {
    /// Builds the tree from `(org, parent)` pairs; children are ordered by id. An org whose
    /// parent is not in the list is a root.
    pub fn new(orgs: &[(OrgId, Option<OrgId>)]) -> Self {
        let known: HashMap<OrgId, ()> = orgs.iter().map(|(o, _)| (*o, ())).collect();
        let mut children: BTreeMap<Option<OrgId>, Vec<OrgId>> = BTreeMap::new();
        for (o, p) in orgs {
            let p = p.filter(|p| known.contains_key(p) && p != o);
            children.entry(p).or_default().push(*o);
        }
        for c in children.values_mut() {
            c.sort();
        }
        let n = orgs.len();
        let mut t = OrgTree {
            ids: Vec::with_capacity(n),
            dense: HashMap::with_capacity(n),
            end: vec![0; n],
            parent: Vec::with_capacity(n),
        };
        // Iterative depth-first walk: (org, parent's dense id, whether its children are done).
        let mut stack: Vec<(OrgId, u32, bool)> =
            children.get(&None).into_iter().flatten().rev().map(|o| (*o, NONE, false)).collect();
        let mut open: Vec<u32> = Vec::new();
        while let Some((o, parent, done)) = stack.pop() {
            if done {
                let d = open.pop().unwrap_or_default();
                t.end[d as usize] = t.ids.len() as u32;
                continue;
            }
            if t.dense.contains_key(&o) {
                continue;
            }
            let d = t.ids.len() as u32;
            t.ids.push(o);
            t.dense.insert(o, d);
            t.parent.push(parent);
            open.push(d);
            stack.push((o, parent, true));
            for c in children.get(&Some(o)).into_iter().flatten().rev() {
                stack.push((*c, d, false));
            }
        }
        t.end.truncate(t.ids.len());
        t
    }

    /// Number of orgs.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no orgs.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The dense id of an org.
    pub fn dense(&self, o: OrgId) -> Option<u32> {
        self.dense.get(&o).copied()
    }

    /// The org of a dense id.
    pub fn org(&self, d: u32) -> OrgId {
        self.ids[d as usize]
    }

    /// One past the last dense id of `d`'s subtree.
    pub fn end(&self, d: u32) -> u32 {
        self.end[d as usize]
    }

    /// The parent's dense id, if any.
    pub fn parent(&self, d: u32) -> Option<u32> {
        let p = self.parent[d as usize];
        (p != NONE).then_some(p)
    }

    /// The direct children of `d`, in order.
    pub fn children(&self, d: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut c = d + 1;
        while c < self.end(d) {
            out.push(c);
            c = self.end(c);
        }
        out
    }

    /// Whether `d` is `of` or below it.
    pub fn within(&self, d: u32, of: u32) -> bool {
        of <= d && d < self.end(of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_pre_order_with_contiguous_subtrees() {
        let o = OrgId;
        let t = OrgTree::new(&[(o(5), Some(o(1))), (o(1), None), (o(3), Some(o(1))), (o(4), Some(o(3))), (o(9), None)]);
        let order: Vec<i64> = (0..t.len() as u32).map(|d| t.org(d).0).collect();
        assert_eq!(order, [1, 3, 4, 5, 9]);
        assert_eq!((t.end(0), t.end(1), t.end(2), t.end(3), t.end(4)), (4, 3, 3, 4, 5));
        assert_eq!(t.children(0), [1, 3]);
        assert_eq!(t.parent(2), Some(1));
        assert!(t.within(2, 0) && !t.within(4, 0));
    }
}
