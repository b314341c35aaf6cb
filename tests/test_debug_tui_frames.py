"""The TUI shows what the Session's snapshots give it: a deep stack folded
(both ends, a row for the frames between), numbered as before (0 is <main>),
and strings quoted in the panes."""

from __future__ import annotations

import asyncio

from vmscope.tui.app import DebuggerApp
from vmscope.tui.frames import FramesView
from vmscope.tui.scenes import FakeClock
from vmscope.tui.variables import GlobalsView

DEEP = """\
let label = ""
fn down(n) {
  if n == 0 { return 0 }
  return down(n - 1) + 1
}
print(down(300))
"""


def test_a_deep_stack_shows_folded_in_the_frames_pane() -> None:
    async def main() -> None:
        app = DebuggerApp("deep.vms", DEEP, clock=FakeClock())
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.session is not None
            app.session.add_breakpoint("3", condition="n == 0")
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            view = app.query_one(FramesView)
            rows = [view.render_row(i, 60).plain for i in range(view.row_count())]
            heads = [r.split()[0] for r in rows if not r.startswith("      ")]
            assert heads[:10] == [str(d) for d in range(301, 291, -1)]
            assert "… 282 frames omitted" in rows[next(i for i, r in enumerate(rows)
                                                         if "omitted" in r)]
            assert heads[-1] == "0" and rows[-1].strip() == "0 <main>  6:7"
            assert view.border_subtitle == "302"
            globals_view = app.query_one(GlobalsView)
            assert '""' in globals_view.render_row(0, 60).plain  # quoted, not a blank

    asyncio.run(main())
