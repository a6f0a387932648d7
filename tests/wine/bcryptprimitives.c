/* A stand-in for Windows' bcryptprimitives.dll, for running the tool under Wine in tests only:
 * never shipped. Rust's standard library (1.78 and later) asks this DLL's ProcessPrng for
 * random bytes (its hash maps' seeds); Windows 10 and 11 have it, Wine 8 does not, and without
 * it the .exe exits at once, printing nothing. This passes the request to BCryptGenRandom,
 * which Wine has. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
