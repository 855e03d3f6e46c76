#!/usr/bin/env python3
"""Sum the results of one or more Meson test logs (testlog.json) and print
the final line the CI reads: 'N passed, N failed'. Skipped tests are listed
but are neither. `--broken N` adds N failures for suites that could not be
built at all. Exit status 1 if anything failed or a log is missing."""
import json
import sys

PASS = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}


def main(paths):
    passed = failed = skipped = 0
    missing = False
    if len(paths) >= 2 and paths[0] == "--broken":
        failed = int(paths[1])
        if failed:
            print(f"{failed} suite(s) could not be built")
        paths = paths[2:]
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                entries = [json.loads(line) for line in fh if line.strip()]
        except OSError:
            print(f"missing test log {path}")
            missing = True
            continue
        for e in entries:
            result = e.get("result")
            if result in PASS:
                passed += 1
            elif result in SKIP:
                skipped += 1
            else:
                failed += 1
                print(f"failed: {e.get('name')} ({result}) in {path}")
    if skipped:
        print(f"{skipped} skipped")
    if missing and failed == 0:
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
