/*
 * SM2 curve arithmetic for @ehc/gm, compiled to WebAssembly by build.sh (wasm32, no libc).
 *
 * Owns the hot loops of SM2: [k]G for signing and key derivation, and [s]G + [t]P with the
 * final x-coordinate test for verification. The scheme itself (Z_A, e, r, s, retries, formats)
 * stays in TypeScript; this module only sees byte strings in its I/O buffer.
 *
 * Curve: GB/T 32918.5-2017 recommended parameters, y^2 = x^3 - 3x + b over F_p with
 * p = 2^256 - 2^224 - 2^96 + 2^64 - 1.
 *
 * Representation: a field element is eight 32-bit little-endian limbs, always fully reduced.
 * Products are schoolbook with 64-bit wasm multiplies (squares compute each cross product once)
 * into 16 limbs, reduced without multiplications by p's special form: each high limb c_i,
 * i = 8..15, is replaced by c_i * (2^(32 i) mod p), whose limbs are small signed integers
 * derived from 2^256 = 2^224 + 2^96 - 2^64 + 1 (mod p) (the "Solinas" reduction, as for
 * NIST P-256).
 *
 * Points: Jacobian (X/Z^2, Y/Z^3), Z = 0 is the point at infinity; tables hold affine points
 * so that additions into an accumulator are mixed (7M + 4S).
 *
 * Tables: "fixed-window" tables, one row per w-bit window position i holding
 * j * 2^(w*i) * P for j = 1 .. 2^(w-1). With signed digits in [-2^(w-1), 2^(w-1)], a scalar
 * multiple is a sum of one table entry per window: no doublings at all. G has a w = 8 table
 * (33 rows x 128 points, 264 KiB) built at start-up; a prepared public key has a w = 7 table
 * (37 rows x 64 points, 148 KiB) in the heap.
 *
 * Side channels: [k]G for secret k (signing, key derivation) reads every entry of each row
 * and selects with masks, and handles the two special cases (empty accumulator, zero digit)
 * with masks too; no branch or memory index depends on k. This is as far as constant time
 * goes in WebAssembly: the JIT gives no guarantees. Verification uses only public values
 * and is variable-time.
 */

#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t i32;
typedef int64_t i64;

#define EXPORT(name) __attribute__((export_name(name)))
#define LIMBS 8

typedef struct { u32 v[LIMBS]; } fe;
typedef struct { fe x, y; } aff;
typedef struct { fe x, y, z; } jac;

/* --------------------------------------------------------------------------------------- */
/* freestanding helpers (clang lowers struct copies to memcpy) */

__attribute__((no_builtin)) void *memcpy(void *dst, const void *src, size_t n) {
  u8 *d = (u8 *)dst;
  const u8 *s = (const u8 *)src;
  while (n--) *d++ = *s++;
  return dst;
}

__attribute__((no_builtin)) void *memset(void *dst, int c, size_t n) {
  u8 *d = (u8 *)dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

/* --------------------------------------------------------------------------------------- */
/* constants (little-endian limbs) */

static const fe FE_P = {{0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
                         0xFFFFFFFE}};
static const fe SC_N = {{0x39D54123, 0x53BBF409, 0x21C6052B, 0x7203DF6B, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
                         0xFFFFFFFE}};
static const fe FE_ONE = {{1, 0, 0, 0, 0, 0, 0, 0}};
static const u8 G_BYTES[64] = {
    0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
    0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
    0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
    0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0};

/* --------------------------------------------------------------------------------------- */
/* field arithmetic mod p */

/* r = t - p if (top:t) >= p else t; t < 2p */
static void fe_reduce_once(fe *r, const u32 *t, u32 top) {
  u32 s[LIMBS];
  u64 borrow = 0;
  for (int i = 0; i < LIMBS; i++) {
    u64 d = (u64)t[i] - FE_P.v[i] - borrow;
    s[i] = (u32)d;
    borrow = d >> 63;
  }
  /* keep the difference when there was a carry out of 256 bits or no borrow */
  u32 mask = 0u - ((top | ((u32)borrow ^ 1u)) & 1u);
  for (int i = 0; i < LIMBS; i++) r->v[i] = (s[i] & mask) | (t[i] & ~mask);
}

static void fe_add(fe *r, const fe *a, const fe *b) {
  u32 t[LIMBS];
  u64 c = 0;
  for (int i = 0; i < LIMBS; i++) {
    c += (u64)a->v[i] + b->v[i];
    t[i] = (u32)c;
    c >>= 32;
  }
  fe_reduce_once(r, t, (u32)c);
}

static void fe_sub(fe *r, const fe *a, const fe *b) {
  u32 t[LIMBS];
  u64 borrow = 0;
  for (int i = 0; i < LIMBS; i++) {
    u64 d = (u64)a->v[i] - b->v[i] - borrow;
    t[i] = (u32)d;
    borrow = d >> 63;
  }
  u32 mask = 0u - (u32)borrow;
  u64 c = 0;
  for (int i = 0; i < LIMBS; i++) {
    c += (u64)t[i] + (FE_P.v[i] & mask);
    r->v[i] = (u32)c;
    c >>= 32;
  }
}

/*
 * t (16 limbs, < p^2) mod p. Row i of the coefficients below is 2^(32 i) mod p for
 * i = 8..15 as small signed multiples of 2^(32 j), j = 0..7 (derived by repeatedly applying
 * 2^256 = 2^224 + 2^96 - 2^64 + 1); each column sum stays below 2^37 in absolute value.
 * After the first carry pass the value is L + c 2^256 with c in [-1, 14]; folding c back in
 * twice leaves no carry (c' is 0 or +-1 after the first fold, and the second cannot overflow),
 * and the result, below 2^256 < 2p, needs one conditional subtraction.
 */
static void fe_reduce_wide(fe *r, const u32 *t) {
  i64 a[8];
  const i64 t8 = t[8], t9 = t[9], t10 = t[10], t11 = t[11], t12 = t[12], t13 = t[13], t14 = t[14], t15 = t[15];
  a[0] = (i64)t[0] + t8 + t9 + t10 + t11 + t12 + 2 * t13 + 2 * t14 + 2 * t15;
  a[1] = (i64)t[1] + t9 + t10 + t11 + t12 + t13 + 2 * t14 + 2 * t15;
  a[2] = (i64)t[2] - t8 - t9 - t13 - t14;
  a[3] = (i64)t[3] + t8 + t11 + t12 + 2 * t13 + t14 + t15;
  a[4] = (i64)t[4] + t9 + t12 + t13 + 2 * t14 + t15;
  a[5] = (i64)t[5] + t10 + t13 + t14 + 2 * t15;
  a[6] = (i64)t[6] + t11 + t14 + t15;
  a[7] = (i64)t[7] + t8 + t9 + t10 + t11 + 2 * t12 + 2 * t13 + 2 * t14 + 3 * t15;
  u32 w[8];
  i64 carry = 0;
  for (int j = 0; j < 8; j++) {
    a[j] += carry;
    w[j] = (u32)a[j];
    carry = a[j] >> 32; /* arithmetic shift: carries may be negative */
  }
  for (int round = 0; round < 2; round++) {
    i64 fold = carry; /* fold * 2^256 = fold * (2^224 + 2^96 - 2^64 + 1) */
    carry = 0;
    for (int j = 0; j < 8; j++) {
      i64 x = (i64)w[j] + carry;
      if (j == 0 || j == 3 || j == 7) x += fold;
      if (j == 2) x -= fold;
      w[j] = (u32)x;
      carry = x >> 32;
    }
  }
  fe_reduce_once(r, w, 0);
}

static void fe_mul(fe *r, const fe *a, const fe *b) {
  u32 t[16] = {0};
  for (int i = 0; i < LIMBS; i++) {
    u64 c = 0;
    for (int j = 0; j < LIMBS; j++) {
      c += (u64)a->v[i] * b->v[j] + t[i + j];
      t[i + j] = (u32)c;
      c >>= 32;
    }
    t[i + LIMBS] = (u32)c;
  }
  fe_reduce_wide(r, t);
}

static void fe_sqr(fe *r, const fe *a) {
  u32 t[16] = {0};
  /* off-diagonal products once */
  for (int i = 0; i < LIMBS; i++) {
    u64 c = 0;
    for (int j = i + 1; j < LIMBS; j++) {
      c += (u64)a->v[i] * a->v[j] + t[i + j];
      t[i + j] = (u32)c;
      c >>= 32;
    }
    t[i + LIMBS] = (u32)c;
  }
  /* double, then add the squares */
  u32 top = 0;
  for (int k = 0; k < 16; k++) {
    u32 v = t[k];
    t[k] = (v << 1) | top;
    top = v >> 31;
  }
  u64 c = 0;
  for (int i = 0; i < LIMBS; i++) {
    u64 sq = (u64)a->v[i] * a->v[i];
    c += (u64)t[2 * i] + (u32)sq;
    t[2 * i] = (u32)c;
    c >>= 32;
    c += (u64)t[2 * i + 1] + (u32)(sq >> 32);
    t[2 * i + 1] = (u32)c;
    c >>= 32;
  }
  fe_reduce_wide(r, t);
}

static void fe_sqr_n(fe *r, const fe *a, int n) {
  fe_sqr(r, a);
  for (int i = 1; i < n; i++) fe_sqr(r, r);
}

static u32 fe_is_zero(const fe *a) {
  u32 acc = 0;
  for (int i = 0; i < LIMBS; i++) acc |= a->v[i];
  return ((acc | (0u - acc)) >> 31) ^ 1u;
}

static u32 fe_equal(const fe *a, const fe *b) {
  u32 acc = 0;
  for (int i = 0; i < LIMBS; i++) acc |= a->v[i] ^ b->v[i];
  return ((acc | (0u - acc)) >> 31) ^ 1u;
}

static void fe_neg(fe *r, const fe *a) {
  static const fe zero = {{0}};
  fe_sub(r, &zero, a);
}

/* r = mask ? a : r, mask all ones or zero */
static void fe_cmov(fe *r, const fe *a, u32 mask) {
  for (int i = 0; i < LIMBS; i++) r->v[i] = (a->v[i] & mask) | (r->v[i] & ~mask);
}

/* a^(p-2): p - 2 = [31 ones][0][128 ones][32 zeros][62 ones][0][1] (MSB first) */
static void fe_inv(fe *r, const fe *a) {
  fe x2, x3, x6, x12, x24, x30, x31, x32, x62, x64, x128, t;
  fe_sqr(&x2, a);
  fe_mul(&x2, &x2, a);
  fe_sqr(&x3, &x2);
  fe_mul(&x3, &x3, a);
  fe_sqr_n(&x6, &x3, 3);
  fe_mul(&x6, &x6, &x3);
  fe_sqr_n(&x12, &x6, 6);
  fe_mul(&x12, &x12, &x6);
  fe_sqr_n(&x24, &x12, 12);
  fe_mul(&x24, &x24, &x12);
  fe_sqr_n(&x30, &x24, 6);
  fe_mul(&x30, &x30, &x6);
  fe_sqr(&x31, &x30);
  fe_mul(&x31, &x31, a);
  fe_sqr(&x32, &x31);
  fe_mul(&x32, &x32, a);
  fe_sqr_n(&x62, &x32, 30);
  fe_mul(&x62, &x62, &x30);
  fe_sqr_n(&x64, &x32, 32);
  fe_mul(&x64, &x64, &x32);
  fe_sqr_n(&x128, &x64, 64);
  fe_mul(&x128, &x128, &x64);

  fe_sqr(&t, &x31);
  fe_sqr_n(&t, &t, 128);
  fe_mul(&t, &t, &x128);
  fe_sqr_n(&t, &t, 32);
  fe_sqr_n(&t, &t, 62);
  fe_mul(&t, &t, &x62);
  fe_sqr(&t, &t);
  fe_sqr(&t, &t);
  fe_mul(r, &t, a);
}

/* big-endian 32 bytes <-> plain limbs */
static void limbs_from_be(u32 *v, const u8 *b) {
  for (int i = 0; i < LIMBS; i++) {
    const u8 *w = b + 28 - 4 * i;
    v[i] = ((u32)w[0] << 24) | ((u32)w[1] << 16) | ((u32)w[2] << 8) | (u32)w[3];
  }
}

static void limbs_to_be(u8 *b, const u32 *v) {
  for (int i = 0; i < LIMBS; i++) {
    u8 *w = b + 28 - 4 * i;
    w[0] = (u8)(v[i] >> 24);
    w[1] = (u8)(v[i] >> 16);
    w[2] = (u8)(v[i] >> 8);
    w[3] = (u8)v[i];
  }
}

/* bytes (value < p, which the callers guarantee) <-> field element */
static void fe_from_be(fe *r, const u8 *b) { limbs_from_be(r->v, b); }

static void fe_to_be(u8 *b, const fe *a) { limbs_to_be(b, a->v); }

/* --------------------------------------------------------------------------------------- */
/* group arithmetic (a = -3) */

static void jac_set_infinity(jac *r) {
  r->x = FE_ONE;
  r->y = FE_ONE;
  for (int i = 0; i < LIMBS; i++) r->z.v[i] = 0;
}

static void jac_from_aff(jac *r, const aff *a) {
  r->x = a->x;
  r->y = a->y;
  r->z = FE_ONE;
}

/* dbl-2001-b: 3M + 5S; infinity (Z = 0) stays infinity */
static void jac_dbl(jac *r, const jac *p) {
  fe delta, gamma, beta, alpha, t0, t1;
  fe_sqr(&delta, &p->z);
  fe_sqr(&gamma, &p->y);
  fe_mul(&beta, &p->x, &gamma);
  fe_sub(&t0, &p->x, &delta);
  fe_add(&t1, &p->x, &delta);
  fe_mul(&alpha, &t0, &t1);
  fe_add(&t0, &alpha, &alpha);
  fe_add(&alpha, &t0, &alpha); /* alpha = 3 (X - delta)(X + delta) */
  fe_add(&t1, &p->y, &p->z);   /* before r->y is written: r may alias p */
  fe_sqr(&t1, &t1);
  fe_sub(&t1, &t1, &gamma);
  fe_sub(&r->z, &t1, &delta); /* Z3 = (Y + Z)^2 - gamma - delta */
  fe_add(&beta, &beta, &beta);
  fe_add(&beta, &beta, &beta); /* 4 beta */
  fe_sqr(&t0, &alpha);
  fe_add(&t1, &beta, &beta);
  fe_sub(&r->x, &t0, &t1); /* X3 = alpha^2 - 8 beta */
  fe_sub(&t0, &beta, &r->x);
  fe_mul(&t0, &alpha, &t0);
  fe_sqr(&gamma, &gamma);
  fe_add(&gamma, &gamma, &gamma);
  fe_add(&gamma, &gamma, &gamma);
  fe_add(&gamma, &gamma, &gamma); /* 8 gamma^2 */
  fe_sub(&r->y, &t0, &gamma);
}

/*
 * madd-2007-bl core, p + q with q affine: 7M + 4S. Valid when p is finite and p != +-q.
 * Sets *h_zero and *r_zero so that the variable-time caller can detect those cases.
 */
static void jac_madd_core(jac *r, const jac *p, const aff *q, u32 *h_zero, u32 *r_zero) {
  fe z1z1, u2, s2, h, hh, i, j, rr, v, t;
  fe_sqr(&z1z1, &p->z);
  fe_mul(&u2, &q->x, &z1z1);
  fe_mul(&s2, &q->y, &p->z);
  fe_mul(&s2, &s2, &z1z1);
  fe_sub(&h, &u2, &p->x);
  fe_sub(&rr, &s2, &p->y);
  *h_zero = fe_is_zero(&h);
  *r_zero = fe_is_zero(&rr);
  fe_sqr(&hh, &h);
  fe_add(&i, &hh, &hh);
  fe_add(&i, &i, &i);
  fe_mul(&j, &h, &i);
  fe_add(&rr, &rr, &rr);
  fe_mul(&v, &p->x, &i);
  /* Z3 = (Z1 + H)^2 - Z1Z1 - HH, computed before X3, Y3 overwrite an aliased p */
  fe_add(&t, &p->z, &h);
  fe_sqr(&t, &t);
  fe_sub(&t, &t, &z1z1);
  fe_sub(&t, &t, &hh);
  fe y1j;
  fe_mul(&y1j, &p->y, &j);
  r->z = t;
  fe_sqr(&t, &rr);
  fe_sub(&t, &t, &j);
  fe_sub(&t, &t, &v);
  fe_sub(&r->x, &t, &v); /* X3 = r^2 - J - 2V */
  fe_sub(&t, &v, &r->x);
  fe_mul(&t, &rr, &t);
  fe_add(&y1j, &y1j, &y1j);
  fe_sub(&r->y, &t, &y1j); /* Y3 = r (V - X3) - 2 Y1 J */
}

/* p + q, q affine, every case handled (variable time) */
static void jac_madd_vartime(jac *r, const jac *p, const aff *q) {
  if (fe_is_zero(&p->z)) {
    jac_from_aff(r, q);
    return;
  }
  jac out;
  u32 h_zero, r_zero;
  jac_madd_core(&out, p, q, &h_zero, &r_zero);
  if (h_zero) {
    if (r_zero) {
      jac q2;
      jac_from_aff(&q2, q);
      jac_dbl(r, &q2);
    } else {
      jac_set_infinity(r);
    }
    return;
  }
  *r = out;
}

/* add-2007-bl: p + q, both Jacobian, every case handled (variable time) */
static void jac_add_vartime(jac *r, const jac *p, const jac *q) {
  if (fe_is_zero(&p->z)) {
    *r = *q;
    return;
  }
  if (fe_is_zero(&q->z)) {
    *r = *p;
    return;
  }
  fe z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
  fe_sqr(&z1z1, &p->z);
  fe_sqr(&z2z2, &q->z);
  fe_mul(&u1, &p->x, &z2z2);
  fe_mul(&u2, &q->x, &z1z1);
  fe_mul(&s1, &p->y, &q->z);
  fe_mul(&s1, &s1, &z2z2);
  fe_mul(&s2, &q->y, &p->z);
  fe_mul(&s2, &s2, &z1z1);
  fe_sub(&h, &u2, &u1);
  fe_sub(&rr, &s2, &s1);
  if (fe_is_zero(&h)) {
    if (fe_is_zero(&rr)) {
      jac_dbl(r, p);
    } else {
      jac_set_infinity(r);
    }
    return;
  }
  fe_add(&i, &h, &h);
  fe_sqr(&i, &i);
  fe_mul(&j, &h, &i);
  fe_add(&rr, &rr, &rr);
  fe_mul(&v, &u1, &i);
  fe_add(&t, &p->z, &q->z);
  fe_sqr(&t, &t);
  fe_sub(&t, &t, &z1z1);
  fe_sub(&t, &t, &z2z2);
  fe_mul(&r->z, &t, &h);
  fe_sqr(&t, &rr);
  fe_sub(&t, &t, &j);
  fe_sub(&t, &t, &v);
  fe_sub(&r->x, &t, &v);
  fe_sub(&t, &v, &r->x);
  fe_mul(&t, &rr, &t);
  fe_mul(&s1, &s1, &j);
  fe_add(&s1, &s1, &s1);
  fe_sub(&r->y, &t, &s1);
}

static void jac_neg(jac *r, const jac *p) {
  r->x = p->x;
  fe_neg(&r->y, &p->y);
  r->z = p->z;
}

/* affine coordinates; p must be finite */
static void jac_to_aff(aff *r, const jac *p) {
  fe zinv, zinv2;
  fe_inv(&zinv, &p->z);
  fe_sqr(&zinv2, &zinv);
  fe_mul(&r->x, &p->x, &zinv2);
  fe_mul(&zinv, &zinv, &zinv2);
  fe_mul(&r->y, &p->y, &zinv);
}

/* --------------------------------------------------------------------------------------- */
/* fixed-window tables */

#define G_W 8
#define G_HALF (1 << (G_W - 1))
#define G_ROWS 33 /* ceil(257 / 8): 256-bit scalars plus the final carry */
#define P_W 7
#define P_HALF (1 << (P_W - 1))
#define P_ROWS 37 /* ceil(257 / 7) */
#define MAX_ENTRIES (G_ROWS * G_HALF)

static aff G_TABLE[G_ROWS * G_HALF];
static jac SCRATCH[MAX_ENTRIES];
static int initialized = 0;

/* Montgomery's trick: one inversion for the whole batch; out[i].x holds prefix products meanwhile */
static void batch_to_aff(aff *out, const jac *in, int count) {
  fe acc = in[0].z;
  out[0].x = acc;
  for (int i = 1; i < count; i++) {
    fe_mul(&acc, &acc, &in[i].z);
    out[i].x = acc;
  }
  fe inv;
  fe_inv(&inv, &acc);
  for (int i = count - 1; i >= 0; i--) {
    fe zinv;
    if (i > 0) {
      fe_mul(&zinv, &inv, &out[i - 1].x);
      fe_mul(&inv, &inv, &in[i].z);
    } else {
      zinv = inv;
    }
    fe zinv2, zinv3;
    fe_sqr(&zinv2, &zinv);
    fe_mul(&zinv3, &zinv2, &zinv);
    fe_mul(&out[i].x, &in[i].x, &zinv2);
    fe_mul(&out[i].y, &in[i].y, &zinv3);
  }
}

/* row i, entry j - 1 = j * 2^(w*i) * base, for j = 1 .. 2^(w-1) */
static void table_build(aff *out, const aff *base, int w, int rows) {
  int half = 1 << (w - 1);
  jac b;
  jac_from_aff(&b, base);
  for (int row = 0; row < rows; row++) {
    jac *e = SCRATCH + row * half;
    e[0] = b;
    jac_dbl(&e[1], &b);
    for (int j = 2; j < half; j++) jac_add_vartime(&e[j], &e[j - 1], &b);
    jac_dbl(&b, &e[half - 1]); /* 2^w * b */
  }
  batch_to_aff(out, SCRATCH, rows * half);
}

/* w bits of k from bit position pos; zero past bit 255 */
static u32 get_bits(const u32 *k, int pos, int w) {
  if (pos >= 256) return 0;
  int limb = pos >> 5, shift = pos & 31;
  u32 v = k[limb] >> shift;
  if (shift + w > 32 && limb + 1 < LIMBS) v |= k[limb + 1] << (32 - shift);
  return v & ((1u << w) - 1u);
}

/* signed digits in [-2^(w-1), 2^(w-1)] with k = sum digits[i] 2^(w i); branch-free */
static void recode_fixed(i32 *digits, const u32 *k, int w, int rows) {
  u32 carry = 0;
  for (int i = 0; i < rows; i++) {
    u32 d = get_bits(k, i * w, w) + carry;
    carry = (d + (1u << (w - 1))) >> w;
    digits[i] = (i32)d - (i32)(carry << w);
  }
}

/* acc += digit * row-point, variable time */
static void add_digit_vartime(jac *acc, const aff *row, i32 digit) {
  if (digit == 0) return;
  aff q;
  if (digit > 0) {
    q = row[digit - 1];
  } else {
    q.x = row[-digit - 1].x;
    fe_neg(&q.y, &row[-digit - 1].y);
  }
  jac_madd_vartime(acc, acc, &q);
}

/* [k]G, constant time as described in the header; k in [1, n - 1] */
static void mul_base_ct(jac *acc, const u32 *k) {
  i32 digits[G_ROWS];
  recode_fixed(digits, k, G_W, G_ROWS);
  jac_set_infinity(acc);
  u32 acc_empty = 0xFFFFFFFFu;
  for (int row = 0; row < G_ROWS; row++) {
    i32 digit = digits[row];
    u32 sign = (u32)digit >> 31;
    u32 abs = ((u32)digit ^ (0u - sign)) + sign;
    /* read every entry of the row and keep the one at |digit|, 64 bits at a time */
    u64 selected[sizeof(aff) / 8] = {0};
    const u8 *entries = (const u8 *)(G_TABLE + row * G_HALF);
    for (u32 j = 1; j <= G_HALF; j++) {
      u32 x = abs ^ j;
      u64 mask = 0 - (u64)(((x | (0u - x)) >> 31) ^ 1u);
      const u8 *entry = entries + (j - 1) * sizeof(aff);
      for (u32 i = 0; i < sizeof(aff) / 8; i++) {
        u64 word;
        __builtin_memcpy(&word, entry + 8 * i, 8);
        selected[i] |= word & mask;
      }
    }
    aff q;
    __builtin_memcpy(&q, selected, sizeof q);
    fe negy;
    fe_neg(&negy, &q.y);
    fe_cmov(&q.y, &negy, 0u - sign);

    jac sum;
    u32 h_zero, r_zero;
    jac_madd_core(&sum, acc, &q, &h_zero, &r_zero);
    /* empty accumulator: the sum is q itself */
    fe_cmov(&sum.x, &q.x, acc_empty);
    fe_cmov(&sum.y, &q.y, acc_empty);
    fe_cmov(&sum.z, &FE_ONE, acc_empty);
    /* zero digit: keep the accumulator */
    u32 nonzero = ((abs | (0u - abs)) >> 31) * 0xFFFFFFFFu;
    fe_cmov(&acc->x, &sum.x, nonzero);
    fe_cmov(&acc->y, &sum.y, nonzero);
    fe_cmov(&acc->z, &sum.z, nonzero);
    acc_empty &= ~nonzero;
  }
}

/* --------------------------------------------------------------------------------------- */
/* scalars mod n (public values, variable time) */

static int sc_is_zero(const u32 *a) {
  u32 acc = 0;
  for (int i = 0; i < LIMBS; i++) acc |= a[i];
  return acc == 0;
}

/* a < b */
static int sc_less(const u32 *a, const u32 *b) {
  for (int i = LIMBS - 1; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return 0;
}

/* r = a + b, returns the carry */
static u32 sc_add(u32 *r, const u32 *a, const u32 *b) {
  u64 c = 0;
  for (int i = 0; i < LIMBS; i++) {
    c += (u64)a[i] + b[i];
    r[i] = (u32)c;
    c >>= 32;
  }
  return (u32)c;
}

/* r = a - b, returns the borrow */
static u32 sc_sub(u32 *r, const u32 *a, const u32 *b) {
  u64 borrow = 0;
  for (int i = 0; i < LIMBS; i++) {
    u64 d = (u64)a[i] - b[i] - borrow;
    r[i] = (u32)d;
    borrow = d >> 63;
  }
  return (u32)borrow;
}

/* --------------------------------------------------------------------------------------- */
/* verification */

/* [s]G + [t]P from the tables, no doublings */
static void lincomb_tables(jac *acc, const u32 *s, const u32 *t, const aff *ptable) {
  i32 ds[G_ROWS], dt[P_ROWS];
  recode_fixed(ds, s, G_W, G_ROWS);
  recode_fixed(dt, t, P_W, P_ROWS);
  jac_set_infinity(acc);
  for (int row = 0; row < G_ROWS; row++) add_digit_vartime(acc, G_TABLE + row * G_HALF, ds[row]);
  for (int row = 0; row < P_ROWS; row++) add_digit_vartime(acc, ptable + row * P_HALF, dt[row]);
}

#define WNAF_W 5
#define WNAF_ODD (1 << (WNAF_W - 2)) /* P, 3P, ..., 15P */

/* width-w NAF of k (< 2^256): up to 257 digits, each 0 or odd in (-2^(w-1), 2^(w-1)) */
static int recode_wnaf(i32 *naf, const u32 *k) {
  u32 x[LIMBS + 1];
  for (int i = 0; i < LIMBS; i++) x[i] = k[i];
  x[LIMBS] = 0;
  int len = 0;
  for (;;) {
    int nonzero = 0;
    for (int i = 0; i <= LIMBS; i++) nonzero |= x[i] != 0;
    if (!nonzero) break;
    i32 d = 0;
    if (x[0] & 1) {
      d = (i32)(x[0] & ((1u << WNAF_W) - 1u));
      if (d >= (1 << (WNAF_W - 1))) d -= 1 << WNAF_W;
      /* x -= d */
      if (d > 0) {
        u64 borrow = (u64)d;
        for (int i = 0; i <= LIMBS && borrow; i++) {
          u64 v = (u64)x[i] - borrow;
          x[i] = (u32)v;
          borrow = v >> 63;
        }
      } else {
        u64 c = (u64)(-d);
        for (int i = 0; i <= LIMBS && c; i++) {
          c += x[i];
          x[i] = (u32)c;
          c >>= 32;
        }
      }
    }
    naf[len++] = d;
    for (int i = 0; i < LIMBS; i++) x[i] = (x[i] >> 1) | (x[i + 1] << 31);
    x[LIMBS] >>= 1;
  }
  return len;
}

/* [s]G + [t]P without a table for P: wNAF with doublings for P, the G table for G */
static void lincomb_cold(jac *acc, const u32 *s, const u32 *t, const aff *p) {
  jac odd[WNAF_ODD], p2;
  jac_from_aff(&odd[0], p);
  jac_dbl(&p2, &odd[0]);
  for (int i = 1; i < WNAF_ODD; i++) jac_add_vartime(&odd[i], &odd[i - 1], &p2);
  i32 naf[260];
  int len = recode_wnaf(naf, t);
  jac_set_infinity(acc);
  for (int i = len - 1; i >= 0; i--) {
    jac_dbl(acc, acc);
    i32 d = naf[i];
    if (d > 0) {
      jac_add_vartime(acc, acc, &odd[d >> 1]);
    } else if (d < 0) {
      jac neg;
      jac_neg(&neg, &odd[(-d) >> 1]);
      jac_add_vartime(acc, acc, &neg);
    }
  }
  i32 ds[G_ROWS];
  recode_fixed(ds, s, G_W, G_ROWS);
  jac g;
  jac_set_infinity(&g);
  for (int row = 0; row < G_ROWS; row++) add_digit_vartime(&g, G_TABLE + row * G_HALF, ds[row]);
  jac_add_vartime(acc, acc, &g);
}

/* --------------------------------------------------------------------------------------- */
/* exports */

/*
 * I/O buffer layout (big-endian 32-byte values):
 *   mul_base:   in k @0;                       out x @32, y @64
 *   table_build: in x @0, y @32
 *   verify:     in r @0, s @32, e @64 [, x @96, y @128 when cold]
 *   lincomb:    in s @0, t @32 [, x @96, y @128 when cold]; out x @160, y @192
 *   field test: in a @0, b @32;                out @64
 */
static u8 IO[256];

EXPORT("io") u8 *sm2_io(void) { return IO; }

EXPORT("init") void sm2_init(void) {
  if (initialized) return;
  aff g;
  fe_from_be(&g.x, G_BYTES);
  fe_from_be(&g.y, G_BYTES + 32);
  table_build(G_TABLE, &g, G_W, G_ROWS);
  initialized = 1;
}

/* [k]G; returns 0 for the point at infinity (k = 0 mod n) */
EXPORT("mul_base") int sm2_mul_base(void) {
  u32 k[LIMBS];
  limbs_from_be(k, IO);
  jac r;
  mul_base_ct(&r, k);
  for (int i = 0; i < LIMBS; i++) k[i] = 0;
  if (fe_is_zero(&r.z)) return 0;
  aff a;
  jac_to_aff(&a, &r);
  fe_to_be(IO + 32, &a.x);
  fe_to_be(IO + 64, &a.y);
  return 1;
}

/* heap of public-key tables: fixed-size blocks with a free list */
#define TABLE_BYTES ((u32)sizeof(aff) * P_ROWS * P_HALF)
extern u8 __heap_base;
static uintptr_t heap_top = 0;
static void *free_tables = 0;

EXPORT("table_bytes") u32 sm2_table_bytes(void) { return TABLE_BYTES; }

EXPORT("table_alloc") void *sm2_table_alloc(void) {
  if (free_tables) {
    void *block = free_tables;
    free_tables = *(void **)block;
    return block;
  }
  if (!heap_top) heap_top = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15;
  uintptr_t end = heap_top + TABLE_BYTES;
  uintptr_t size = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
  if (end > size) {
    uintptr_t pages = (end - size + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
  }
  void *block = (void *)heap_top;
  heap_top = end;
  return block;
}

EXPORT("table_free") void sm2_table_free(void *block) {
  if (!block) return;
  *(void **)block = free_tables;
  free_tables = block;
}

EXPORT("table_build") void sm2_table_build(aff *table) {
  aff p;
  fe_from_be(&p.x, IO);
  fe_from_be(&p.y, IO + 32);
  table_build(table, &p, P_W, P_ROWS);
}

static void lincomb_io(jac *acc, const u32 *s, const u32 *t, const aff *table) {
  if (table) {
    lincomb_tables(acc, s, t, table);
  } else {
    aff p;
    fe_from_be(&p.x, IO + 96);
    fe_from_be(&p.y, IO + 128);
    lincomb_cold(acc, s, t, &p);
  }
}

/* x1 = c (mod p) for the affine x1 of acc, tested as X = c Z^2 without an inversion */
static int x_equals(const jac *acc, const u32 *c) {
  fe cm, z2;
  u8 bytes[32];
  limbs_to_be(bytes, c);
  fe_from_be(&cm, bytes);
  fe_sqr(&z2, &acc->z);
  fe_mul(&cm, &cm, &z2);
  return (int)fe_equal(&cm, &acc->x);
}

/* SM2 verification core, GB/T 32918.2-2016 clause 7.1 B1, B2, B5-B7; table = 0: cold path */
EXPORT("verify") int sm2_verify(const aff *table) {
  u32 r[LIMBS], s[LIMBS], e[LIMBS], t[LIMBS], v[LIMBS], c2[LIMBS];
  limbs_from_be(r, IO);
  limbs_from_be(s, IO + 32);
  limbs_from_be(e, IO + 64);
  if (sc_is_zero(r) || !sc_less(r, SC_N.v) || sc_is_zero(s) || !sc_less(s, SC_N.v)) return 0;
  if (sc_add(t, r, s) || !sc_less(t, SC_N.v)) sc_sub(t, t, SC_N.v); /* t = (r + s) mod n */
  if (sc_is_zero(t)) return 0;
  if (!sc_less(e, SC_N.v)) sc_sub(e, e, SC_N.v); /* e < 2^256 < 2n */
  if (sc_sub(v, r, e)) sc_add(v, v, SC_N.v);     /* v = (r - e) mod n: x1 = v or v + n */
  jac acc;
  lincomb_io(&acc, s, t, table);
  if (fe_is_zero(&acc.z)) return 0;
  if (x_equals(&acc, v)) return 1;
  if (!sc_add(c2, v, SC_N.v) && sc_less(c2, FE_P.v)) return x_equals(&acc, c2);
  return 0;
}

/* [s]G + [t]P in affine coordinates (for tests); returns 0 for the point at infinity */
EXPORT("lincomb") int sm2_lincomb(const aff *table) {
  u32 s[LIMBS], t[LIMBS];
  limbs_from_be(s, IO);
  limbs_from_be(t, IO + 32);
  jac acc;
  lincomb_io(&acc, s, t, table);
  if (fe_is_zero(&acc.z)) return 0;
  aff a;
  jac_to_aff(&a, &acc);
  fe_to_be(IO + 160, &a.x);
  fe_to_be(IO + 192, &a.y);
  return 1;
}

/* field operations on values < p (for tests): 0 mul, 1 add, 2 sub, 3 inv, 4 sqr */
EXPORT("field_op") void sm2_field_op(int op) {
  fe a, b, r;
  fe_from_be(&a, IO);
  fe_from_be(&b, IO + 32);
  switch (op) {
  case 0: fe_mul(&r, &a, &b); break;
  case 1: fe_add(&r, &a, &b); break;
  case 2: fe_sub(&r, &a, &b); break;
  case 3: fe_inv(&r, &a); break;
  default: fe_sqr(&r, &a); break;
  }
  fe_to_be(IO + 64, &r);
}
