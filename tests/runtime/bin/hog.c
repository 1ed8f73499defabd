/* A stand-in for a program with a fixed memory need, built static. Installed as `java` it reads
 * the heap size from -Xmx<N>[kmg]; otherwise the first argument is MiB. It allocates and touches
 * that much memory, then exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long mib = 64;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "-Xmx", 4) == 0) {
            char *end = NULL;
            long n = strtol(a + 4, &end, 10);
            if (end && (*end == 'g' || *end == 'G')) mib = n * 1024;
            else if (end && (*end == 'k' || *end == 'K')) mib = n / 1024;
            else if (end && (*end == 'm' || *end == 'M')) mib = n;
            else mib = n / (1024 * 1024);
        } else if (a[0] >= '0' && a[0] <= '9') {
            mib = atol(a);
        }
    }
    for (long i = 0; i < mib; i++) {
        char *p = malloc(1 << 20);
        if (!p) return 3;
        memset(p, 1, 1 << 20);
    }
    printf("hog: touched %ld MiB\n", mib);
    return 0;
}
