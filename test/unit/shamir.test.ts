/**
 * Shamir sharing of the security domain's master key (core/crypto/security-domain/shamir.ts): GF(257),
 * `index << 9 | value` little-endian words, Azure CLI / Az PowerShell semantics
 * (docs/security-domain-format.md §3). Vectors are checked against arithmetic written independently:
 * by hand, by a Python computation with plain `%` and `pow`, and by BigInt evaluation below.
 */
import { describe, expect, it } from "vitest";
import {
  SHAMIR_MAX_SHARES,
  combine,
  split,
  type RandomBytes,
} from "../../core/crypto/security-domain/shamir.ts";
import { badParameter } from "../support/bad-parameter.ts";

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
const cryptoRandom: RandomBytes = (n) => crypto.getRandomValues(new Uint8Array(n));

/** A random source that hands out `byteAt(0)`, `byteAt(1)`, … in order, as Azure's random_bits buffer does. */
function streamRandom(byteAt: (k: number) => number): RandomBytes {
  let k = 0;
  return (n) => Uint8Array.from({ length: n }, () => byteAt(k++));
}

function* subsets<T>(items: readonly T[], size: number, from = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = from; i <= items.length - size; i++) {
    for (const rest of subsets(items, size - 1, i + 1)) yield [items[i] as T, ...rest];
  }
}

/** The secret `combine` gives, or null when it refuses the set. */
function recovered(shares: Uint8Array[]): string | null {
  try {
    return hex(combine(shares));
  } catch {
    return null;
  }
}

/**
 * Independent split: the same random-word consumption as Azure's C# (little-endian words, zero skipped,
 * coefficients highest degree first, fresh per byte), but evaluated as Σ c_d·x^d with BigInt powers and `%`.
 */
function referenceSplit(secret: Uint8Array, n: number, t: number, random: RandomBytes): string[] {
  const p = 257n;
  const shares = Array.from({ length: n }, () => "");
  for (const s of secret) {
    const highestFirst: bigint[] = [];
    while (highestFirst.length < t - 1) {
      const [lo = 0, hi = 0] = random(2);
      const word = BigInt(lo + 256 * hi);
      if (word !== 0n) highestFirst.push(word % p);
    }
    for (let i = 0; i < n; i++) {
      const x = BigInt(i + 1);
      let v = BigInt(s);
      for (let d = 1; d < t; d++) v += (highestFirst[t - 1 - d] ?? 0n) * x ** BigInt(d);
      const word = Number((x << 9n) + (v % p));
      shares[i] += hex(Uint8Array.of(word % 256, Math.floor(word / 256)));
    }
  }
  return shares;
}

describe("split: Azure's share format", () => {
  it("matches a vector worked by hand", () => {
    // Random word 0x0005 → f(x) = 0x41 + 5x: f(1) = 70, f(2) = 75, f(3) = 80.
    // Words 1<<9|70 = 0x0246, 2<<9|75 = 0x044b, 3<<9|80 = 0x0650, each little-endian.
    const shares = split(Uint8Array.of(0x41), 3, 2, streamRandom((k) => [5, 0][k] ?? 0));
    expect(shares.map(hex)).toStrictEqual(["4602", "4b04", "5006"]);
  });

  it("skips a zero random word and keeps a value of 256 in its nine bits", () => {
    // Word 0x0000 is skipped; 0x0102 = 258 ≡ 1, so f(x) = 255 + x: f(1) = 256, f(2) = 257 ≡ 0, f(3) = 258 ≡ 1.
    const shares = split(Uint8Array.of(0xff), 3, 2, streamRandom((k) => [0, 0, 2, 1][k] ?? 0));
    expect(shares.map(hex)).toStrictEqual(["0003", "0004", "0106"]);
    expect(hex(combine(shares.slice(0, 2)))).toBe("ff");
  });

  it("takes a coefficient of 0 when the word is a multiple of 257 (uniform over the field)", () => {
    // 0xffff = 65535 = 255 · 257 ≡ 0: the polynomial is the constant 0x10.
    const shares = split(Uint8Array.of(0x10), 2, 2, streamRandom(() => 0xff));
    expect(shares.map(hex)).toStrictEqual(["1002", "1004"]);
  });

  it("matches a 32-byte, 5-share, threshold-3 vector computed independently", () => {
    const secret = Uint8Array.from({ length: 32 }, (_, i) => 0x41 + i); // the CLI's test_large_secret plaintext
    const stream = (k: number): number => (k * 167 + 13) & 0xff;
    // Computed in Python with plain `%` and `pow(x, d, 257)`, outside this code base.
    const expected = [
      "f402f402f602f702f702f902fa02fb02fc02fc02fe02ff02ff0200020002020203020302060205020702080208020a020a020c020d020d020f02100211021202",
      "590456045b045a0459045e045d0460045f045e04630462046104640463046804670466046d0468046d046c046b0470046d047204710470047504740477047604",
      "72066a0674066f066d06770672067906740672067c06770675067906770681067c067a0687067c06860681067f06890681068b06860684068e06890690068b06",
      "3e082f084008350832084308380845083a08370848083d083a083f083c084d0842083f08540841085208470844085508460857084c0849085a084f085c085108",
      "be0aa60ac00aad0aa90ac30ab00ac50ab20aae0ac80ab50ab10ab70ab30acd0aba0ab60ad50ab80ad20abf0abb0ad50abd0ad70ac40ac00ada0ac70adc0ac90a",
    ];
    expect(split(secret, 5, 3, streamRandom(stream)).map(hex)).toStrictEqual(expected);
    expect(referenceSplit(secret, 5, 3, streamRandom(stream))).toStrictEqual(expected);
    for (const quorum of subsets(expected.map(fromHex), 3)) expect(hex(combine(quorum))).toBe(hex(secret));
    // Two shares of a threshold-3 split give some other 32 bytes (values from the same Python run).
    expect(hex(combine(expected.slice(0, 2).map(fromHex))).slice(0, 16)).toBe("8e91909394939695");
  });

  it("agrees with the BigInt reference on random secrets and parameters", () => {
    for (const [n, t] of [[2, 2], [3, 2], [5, 3], [10, 7], [10, 10]] as const) {
      const secret = cryptoRandom(32);
      const seed = cryptoRandom(4096);
      const source = (): RandomBytes => streamRandom((k) => seed[k % seed.length] ?? 0);
      expect(split(secret, n, t, source()).map(hex)).toStrictEqual(referenceSplit(secret, n, t, source()));
    }
  });

  it("writes one word per secret byte carrying the share's index 1..n and a value of at most 256", () => {
    const shares = split(cryptoRandom(32), 10, 4, cryptoRandom);
    shares.forEach((share, i) => {
      expect(share.length).toBe(64);
      for (let b = 0; b < share.length; b += 2) {
        const word = (share[b] ?? 0) | ((share[b + 1] ?? 0) << 8);
        expect(word >>> 9).toBe(i + 1);
        expect(word & 0x1ff).toBeLessThanOrEqual(256);
      }
    });
  });
});

describe("combine: quorums", () => {
  it("recovers from every quorum, in any order, and from no smaller set", () => {
    for (const [n, t] of [[3, 2], [4, 4], [5, 3], [10, 2], [10, 9]] as const) {
      const secret = cryptoRandom(32);
      const shares = split(secret, n, t, cryptoRandom);
      for (let size = t; size <= n; size++) {
        for (const quorum of subsets(shares, size)) {
          expect(recovered(quorum)).toBe(hex(secret));
          expect(recovered([...quorum].reverse())).toBe(hex(secret));
        }
      }
      if (t - 1 >= 2) {
        for (const fewer of subsets(shares, t - 1)) expect(recovered(fewer)).not.toBe(hex(secret));
      }
    }
  });
});

describe("input checks", () => {
  it("refuses share and threshold counts outside Azure's limits", () => {
    const secret = cryptoRandom(32);
    for (const [n, t] of [[3, 1], [2, 3], [SHAMIR_MAX_SHARES + 1, 2], [3, 2.5], [0, 0]] as const) {
      badParameter(() => split(secret, n, t, cryptoRandom));
    }
    badParameter(() => split(new Uint8Array(0), 3, 2, cryptoRandom));
  });

  it("refuses a random source that returns the wrong length", () => {
    expect(() => split(cryptoRandom(4), 3, 2, () => new Uint8Array(1))).toThrow();
  });

  it("refuses too few or too many shares", () => {
    const shares = split(cryptoRandom(32), 10, 2, cryptoRandom);
    badParameter(() => combine(shares.slice(0, 1)));
    badParameter(() => combine([...shares, shares[0] ?? new Uint8Array()]));
  });

  it("refuses duplicate share indices, even from different splits", () => {
    const [a, b] = split(cryptoRandom(32), 3, 2, cryptoRandom) as [Uint8Array, Uint8Array];
    const [other] = split(cryptoRandom(32), 3, 2, cryptoRandom) as [Uint8Array];
    badParameter(() => combine([a, a]), /same share index/);
    badParameter(() => combine([a, b, other]), /same share index/);
  });

  it("refuses shares of different or odd lengths, index 0, and mixed indices", () => {
    const [a, b] = split(cryptoRandom(32), 3, 2, cryptoRandom) as [Uint8Array, Uint8Array];
    const [short] = split(cryptoRandom(16), 3, 2, cryptoRandom) as [Uint8Array];
    badParameter(() => combine([a, short]));
    badParameter(() => combine([a.slice(0, 63), b.slice(0, 63)]));
    badParameter(() => combine([new Uint8Array(0), new Uint8Array(0)]));
    badParameter(() => combine([a, new Uint8Array(64)]), /invalid share index/);
    const mixed = b.slice();
    mixed.set(a.subarray(0, 2), 0); // first word now says index 1, the rest index 2
    badParameter(() => combine([a, mixed]), /mixes share indices/);
  });

  it("refuses a value outside the field with the one generic message", () => {
    const [a, b] = split(cryptoRandom(32), 3, 2, cryptoRandom) as [Uint8Array, Uint8Array];
    const tampered = b.slice();
    tampered[0] = 0xff;
    tampered[1] = ((tampered[1] ?? 0) & 0xfe) | 0x01; // value 0x1ff = 511, index unchanged
    badParameter(() => combine([a, tampered]), /do not combine/);
  });
});
