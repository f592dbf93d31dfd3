"""Read an Excel workbook's cells in a process of its own, within a memory limit.

    python excel_child.py FILE MEMORY_BYTES  →  a pickle on stdout: [(sheet name, rows, merged ranges), …]

Run by readers.py as a script (not `-m`), so it imports only the standard library and
python-calamine and starts in a fraction of a second. The address-space limit is set before the
workbook is opened, so a file that makes the reader allocate without bound ends this process
(MemoryError, or an abort inside the Rust library), never the server that started it; the
parent also kills it after a time limit. The result is written by this script and read only by
its parent.
"""
import pickle
import resource
import sys


def main() -> int:
    path, memory = sys.argv[1], int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file behind
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(path)
    sheets = []
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        sheets.append((name, sheet.to_python(skip_empty_area=False), list(sheet.merged_cell_ranges or [])))
    pickle.dump(sheets, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
