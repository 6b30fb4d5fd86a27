/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) with the helpers the demo generator needs.
 * Deterministic across platforms: only 32-bit integer arithmetic and Math.imul.
 */
export class Prng {
    a;
    b;
    c;
    d;
    constructor(seed) {
        let s = seed >>> 0;
        const next = () => {
            s = (s + 0x9e3779b9) >>> 0;
            let z = s;
            z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
            z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
            return (z ^ (z >>> 16)) >>> 0;
        };
        this.a = next();
        this.b = next();
        this.c = next();
        this.d = next();
        for (let i = 0; i < 12; i++)
            this.nextUint32();
    }
    /** A uniformly distributed unsigned 32-bit integer. */
    nextUint32() {
        const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
        this.d = (this.d + 1) >>> 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) >>> 0;
        this.c = (this.c << 21) | (this.c >>> 11);
        this.c = (this.c + t) >>> 0;
        return t;
    }
    /** Uniform in [0, 1). */
    next() {
        return this.nextUint32() / 4294967296;
    }
    /** Uniform integer in [min, max] (both inclusive). */
    int(min, max) {
        return min + Math.floor(this.next() * (max - min + 1));
    }
    /** Uniform real in [min, max). */
    float(min, max) {
        return min + this.next() * (max - min);
    }
    /** True with probability p. */
    chance(p) {
        return this.next() < p;
    }
    pick(items) {
        if (items.length === 0)
            throw new Error('pick from an empty list');
        return items[Math.floor(this.next() * items.length)];
    }
    /** Picks an item with probability proportional to its weight (weights ≥ 0, at least one > 0). */
    weighted(items, weight) {
        let total = 0;
        for (const item of items)
            total += Math.max(0, weight(item));
        if (!(total > 0))
            throw new Error('weighted pick without positive weights');
        let r = this.next() * total;
        for (const item of items) {
            r -= Math.max(0, weight(item));
            if (r < 0)
                return item;
        }
        return items[items.length - 1];
    }
    /** A standard normal variate (Box–Muller). */
    gaussian() {
        const u = 1 - this.next();
        const v = this.next();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
    /** Normal with the given mean and standard deviation, clamped to [min, max] when given. */
    normal(mean, sd, min = -Infinity, max = Infinity) {
        return Math.min(max, Math.max(min, mean + sd * this.gaussian()));
    }
    /** Log-normal multiplier with median 1 and the given sigma. */
    logNormal(sigma) {
        return Math.exp(sigma * this.gaussian());
    }
    /** A Poisson variate (Knuth for small means, normal approximation above 30). */
    poisson(mean) {
        if (mean <= 0)
            return 0;
        if (mean > 30)
            return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
        const l = Math.exp(-mean);
        let k = 0;
        let p = 1;
        do {
            k++;
            p *= this.next();
        } while (p > l);
        return k - 1;
    }
    /** Shuffles in place (Fisher–Yates) and returns the array. */
    shuffle(items) {
        for (let i = items.length - 1; i > 0; i--) {
            const j = Math.floor(this.next() * (i + 1));
            const tmp = items[i];
            items[i] = items[j];
            items[j] = tmp;
        }
        return items;
    }
    /** k distinct items, chosen uniformly. */
    sample(items, k) {
        return this.shuffle([...items]).slice(0, Math.max(0, Math.min(k, items.length)));
    }
    /** An independent generator derived from this one and a label (stable sub-streams). */
    fork(label) {
        let h = this.nextUint32();
        for (let i = 0; i < label.length; i++)
            h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
        return new Prng(h);
    }
}
//# sourceMappingURL=prng.js.map