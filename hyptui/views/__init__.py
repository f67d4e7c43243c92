"""One pure, memoized view model per section (rows, explanations), plus the section, verb and command-line tables the
screens are driven by."""
