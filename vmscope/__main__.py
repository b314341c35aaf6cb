from vmscope.cli import main

raise SystemExit(main())
