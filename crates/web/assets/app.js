// kaohe: the little script the pages need (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", function () {
  var btn = document.querySelector("button.menu");
  var nav = document.getElementById("nav");
  if (btn && nav) {
    btn.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // A select marked data-autosubmit sends its form when changed (the org chooser of figures).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // A form marked data-confirm asks before it is sent (publishing a rulebook).
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // Tree twisties: once loaded, a second click folds the children instead of reloading.
  document.body.addEventListener("htmx:afterSwap", function (e) {
    var t = e.detail.requestConfig && e.detail.requestConfig.elt;
    if (t && t.classList.contains("twisty")) {
      t.textContent = "▾";
      t.setAttribute("hx-disable", "");
      t.addEventListener("click", function () {
        var kids = t.parentElement.querySelector("ul.kids");
        if (kids) { kids.hidden = !kids.hidden; t.textContent = kids.hidden ? "▸" : "▾"; }
      });
    }
  });
});
