/* hold.exe FILE none|read: opens FILE for reading and writing, as Excel holds a workbook it
 * has open, sharing it with nobody (`none`) or with readers only (`read`); prints "held" and
 * keeps it open until its standard input ends. Tests run it under Wine beside the tool to see
 * what the tool says about a file another program holds. Never shipped. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 3) {
        fputs("usage: hold.exe FILE none|read\n", stderr);
        return 2;
    }
    DWORD share = wcscmp(argv[2], L"read") == 0 ? FILE_SHARE_READ : 0;
    HANDLE file = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE, share, NULL, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "hold.exe: cannot open the file (error %lu)\n", GetLastError());
        return 1;
    }
    puts("held");
    fflush(stdout);
    char buf[64];
    while (fread(buf, 1, sizeof buf, stdin) > 0) {
    }
    CloseHandle(file);
    return 0;
}
