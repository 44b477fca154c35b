"""Dashboard pages (stats:dashboard, stats:cases, stats:white_paper): read-only views over the
fixed-definition metrics, scoped by role through `jiefen.cases.access`."""
