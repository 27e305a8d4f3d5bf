//! Typed field values and their validators (filled in by the values work).
