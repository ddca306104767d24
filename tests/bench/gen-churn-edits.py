#!/usr/bin/env python3
"""Random configuration edits: before each result, 0 to 3 keys are set
(new or existing), changed or deleted at random.  For comparing outputs
with another build's (docs/performance.md, "Linear time").

usage: gen-churn-edits.py SEED STEPS OUT
"""
import random
import sys


def main():
    seed, steps, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    keys = []
    with open(path, "w") as f:
        for _ in range(steps):
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                r = rng.random()
                if r < 0.5 or not keys:
                    k = "key%d" % rng.randrange(steps // 2 + 5)
                    f.write("%s: v%d\n" % (k, rng.randrange(4)))
                    if k not in keys:
                        keys.append(k)
                elif r < 0.8:
                    k = rng.choice(keys)
                    f.write("%s:\n" % k)
                    keys.remove(k)
                else:
                    k = rng.choice(keys)
                    f.write("%s: w%d\n" % (k, rng.randrange(3)))
            if rng.random() < 0.05:
                f.write("\n")
            name = "Bench%s-8" % rng.choice("ABC")
            for _ in range(rng.choice([1, 1, 2])):
                f.write("Benchmark%s 100 %d ns/op %d B/op\n" %
                        (name, 100 + rng.randrange(20), rng.randrange(3)))


if __name__ == "__main__":
    main()
