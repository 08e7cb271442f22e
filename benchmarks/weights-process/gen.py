# python3 gen.py {market|strong} FILE: a 1,000-asset covariance B B' + D, named rows (as pandas writes), round-trip digits
import random, sys
kind, path, n, k = sys.argv[1], sys.argv[2], 1000, 20
rng = random.Random(20261207 if kind == "market" else 11)
if kind == "market":
    B = [[0.12 + 0.08 * rng.random()] + [rng.gauss(0, 0.06) for _ in range(k - 1)] for _ in range(n)]
    D = [(0.10 + 0.20 * rng.random()) ** 2 for _ in range(n)]
else:
    B = [[0.1 * rng.gauss(0, 1) for _ in range(k)] for _ in range(n)]
    D = [(0.01 + 0.08 * rng.random()) ** 2 for _ in range(n)]
names = [f"A{i:04d}" for i in range(n)]
with open(path, "w") as out:
    out.write("," + ",".join(names) + "\n")
    for i in range(n):
        out.write(names[i] + "," + ",".join(repr(sum(a * b for a, b in zip(B[i], B[j])) + (D[i] if i == j else 0.0)) for j in range(n)) + "\n")
