"""The Textual debugger: `vmscope debug FILE` and plain `vmscope`.

The only package that imports Textual. The app drives a `debug.Session` from
thread workers; its widgets (one a module) render immutable Snapshots."""
