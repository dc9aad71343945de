/* A small program for the objdump differential test: integer, floating-point, atomic and
   bit-manipulation code, globals (lui/auipc address annotations), calls and switches. */
#include <stdatomic.h>
#include <stdint.h>

long table[64];
double weights[16] = {1.5, -2.25, 3.0};
_Atomic long counter;
static const char *names[] = {"zero", "one", "two", "three", "four"};

long mix(long a, long b) { return (a << 3) + (b >> 2) - (a ^ b) + __builtin_popcountl(a) + __builtin_ctzl(b | 1); }
unsigned long rotate(unsigned long x, int n) { return (x << n) | (x >> (64 - n)); }
uint32_t zext_add(uint32_t a, uint64_t b) { return (uint32_t)(a + b * 8); }
double dot(const double *x, long n) {
  double s = 0;
  for (long i = 0; i < n; i++) s += x[i] * weights[i & 15];
  return s;
}
float fconv(long v, float f) { return (float)v / f + (float)(int)f; }
long atomics(long v) {
  atomic_fetch_add(&counter, v);
  long expected = 0;
  atomic_compare_exchange_strong(&counter, &expected, v);
  return atomic_exchange(&counter, 3);
}
const char *name(unsigned i) { return i < 5 ? names[i] : "many"; }
long classify(long x) {
  switch (x) {
    case 0: return 10;
    case 1: return 21;
    case 2: return 32;
    case 3: return 43;
    case 4: return 54;
    case 5: return 65;
    default: return -1;
  }
}
long sum_table(void) {
  long s = 0;
  for (int i = 0; i < 64; i++) s += table[i] > 0 ? table[i] : -table[i];
  return s + (s < 0 ? 1 : 0) + __builtin_clzl((unsigned long)s | 1);
}

#ifdef WITH_MAIN
#include <stdio.h>
int main(int argc, char **argv) {
  (void)argv;
  table[argc] = mix(argc, 7);
  printf("%s %ld %f %ld\n", name((unsigned)argc), sum_table(), dot(weights, argc), atomics(argc) + classify(argc));
  return 0;
}
#endif
