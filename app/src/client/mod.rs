//! Browser-only code: everything that touches web APIs lives here, called from effects and
//! event handlers, never while rendering.
