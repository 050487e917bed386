"""SimPy reference implementation of the benchmark models (shared/benchmarks/README.md) with the sfc32 stream.

Produces the reference values pinned in ../reference.test.ts:
    python3 simpy_reference.py mmc 2.4 1 3 2000 1
    python3 simpy_reference.py line 8 1 1            # hours lines seed
    python3 simpy_reference.py swap 10 1440 1        # stations until seed
Run with SimPy 3.0.11 / 4.x (same semantics for these models).
"""
import sys, math, json, time, simpy

class SFC32:
    def __init__(self, s):
        self.a, self.b, self.c, self.d = 0x9E3779B9, 0x243F6A88, 0xB7E15162, s & 0xFFFFFFFF
        for _ in range(12): self.next32()
    def next32(self):
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (a + b + d) & 0xFFFFFFFF
        d = (d + 1) & 0xFFFFFFFF
        a = b ^ (b >> 9)
        b = (c + (c << 3)) & 0xFFFFFFFF
        c = ((c << 21) | (c >> 11)) & 0xFFFFFFFF
        c = (c + t) & 0xFFFFFFFF
        self.a, self.b, self.c, self.d = a, b, c, d
        return t
    def random(self):
        x = self.next32() >> 5; y = self.next32() >> 6
        return (x * 67108864 + y) / 9007199254740992
    def expo(self, rate): return -math.log(1 - self.random()) / rate
    def uniform(self, lo, hi): return lo + (hi - lo) * self.random()

def p95(v):
    s = sorted(v); return s[math.ceil(.95 * len(s)) - 1] if s else float('nan')

def mmc(lam, mu, c, until, seed, warmup=0):
    env = simpy.Environment(); rng = SFC32(seed); res = simpy.Resource(env, capacity=c); waits = []
    def customer(arrival, svc):
        with res.request() as req:
            yield req
            if arrival >= warmup: waits.append(env.now - arrival)
            yield env.timeout(svc)
    def source():
        while True:
            ia = rng.expo(lam); svc = rng.expo(mu)
            yield env.timeout(ia)
            env.process(customer(env.now, svc))
    env.process(source())
    t0 = time.perf_counter(); env.run(until=until); w = time.perf_counter() - t0
    return dict(customers=len(waits), mean_wait=sum(waits) / len(waits), p95_wait=p95(waits), wall_s=w)

CYCLE=[1.0,1.2,0.9,1.1,1.0]; MTBF=[1800,1200,2400,1500,2000]; MTTR=[120,180,90,150,100]
PJAM=[0.01,0.02,0.005,0.015,0.01]; JAM=[5,8,4,6,5]
ST=['STARVED','EXECUTE','DOWN','JAMMED','BLOCKED']
def line(hours, lines, seed):
    env = simpy.Environment(); until = hours * 3600; produced = [0]*lines; clocks = []
    def station(l, i, rng, inp, out, clk):
        def setst(s):
            clk['sec'][clk['state']] += env.now - clk['since']; clk['state'] = s; clk['since'] = env.now
        ttf = rng.expo(1 / MTBF[i]); n = 0
        while True:
            if inp is not None:
                setst('STARVED'); part = yield inp.get()
            else:
                part = n; n += 1
            setst('EXECUTE'); remaining = CYCLE[i]
            while ttf < remaining:
                yield env.timeout(ttf); remaining -= ttf
                setst('DOWN'); yield env.timeout(rng.expo(1 / MTTR[i])); ttf = rng.expo(1 / MTBF[i])
                setst('EXECUTE')
            yield env.timeout(remaining); ttf -= remaining
            if rng.random() < PJAM[i]:
                setst('JAMMED'); yield env.timeout(JAM[i])
            if out is None: produced[l] += 1
            else:
                setst('BLOCKED'); yield out.put(part)
    for l in range(lines):
        bufs = [simpy.Store(env, capacity=20) for _ in range(4)]; lc = []
        for i in range(5):
            clk = dict(sec={s: 0.0 for s in ST}, state='STARVED', since=0.0); lc.append(clk)
            env.process(station(l, i, SFC32(seed * 1000 + l * 10 + i), bufs[i-1] if i > 0 else None, bufs[i] if i < 4 else None, clk))
        clocks.append(lc)
    t0 = time.perf_counter(); env.run(until=until); w = time.perf_counter() - t0
    for lc in clocks:
        for clk in lc: clk['sec'][clk['state']] += until - clk['since']
    return dict(produced_total=sum(produced), throughput_per_h_line0=produced[0] / hours,
                state_seconds_line0={f'S{i}': clocks[0][i]['sec'] for i in range(5)}, wall_s=w)

def swap(stations, until, seed):
    env = simpy.Environment(); cnt = dict(arrivals=0, swaps=0, reneges=0, balks=0); waits = []
    def charge(st, soc):
        req = st['chargers'].request(); yield req
        yield env.timeout((1 - soc) * 2.0 / 1.0 * 60)
        st['chargers'].release(req)
        yield st['charged'].put(1.0)
    def rider(st, arrival, soc, pat):
        st['waiting'] += 1
        req = st['bays'].request()
        yield req | env.timeout(pat)
        if not req.triggered:
            req.cancel(); st['waiting'] -= 1; cnt['reneges'] += 1; return
        get = st['charged'].get()
        yield get | env.timeout(pat - (env.now - arrival))
        if not get.triggered:
            get.cancel(); st['bays'].release(req); st['waiting'] -= 1; cnt['reneges'] += 1; return
        st['waiting'] -= 1; waits.append(env.now - arrival)
        yield env.timeout(1.5)
        cnt['swaps'] += 1
        env.process(charge(st, soc))
        st['bays'].release(req)
    def source(st):
        rng = st['rng']
        while True:
            ia = rng.expo(0.08); soc = rng.uniform(.05, .35); pat = rng.uniform(5, 15)
            yield env.timeout(ia); cnt['arrivals'] += 1
            if st['waiting'] >= 6: cnt['balks'] += 1
            else: env.process(rider(st, env.now, soc, pat))
    for s in range(stations):
        st = dict(rng=SFC32(seed * 100000 + s), bays=simpy.Resource(env, 2), chargers=simpy.Resource(env, 8),
                  charged=simpy.Store(env, 10), waiting=0)
        for _ in range(10): st['charged'].put(1.0)
        env.process(source(st))
    t0 = time.perf_counter(); env.run(until=until); w = time.perf_counter() - t0
    return dict(**cnt, mean_wait=sum(waits) / len(waits), p95_wait=p95(waits), wall_s=w)

m = sys.argv[1]; a = [float(x) for x in sys.argv[2:]]
if m == 'mmc': r = mmc(a[0], a[1], int(a[2]), a[3], int(a[4]))
elif m == 'line': r = line(a[0], int(a[1]), int(a[2]))
else: r = swap(int(a[0]), a[1], int(a[2]))
print(json.dumps(r))
