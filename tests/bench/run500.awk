# run500.awk - one run of 500 benchmarks in Go's text (5 values each), the
# run tests/bench/pg-bench.sh and pg-cache-bench.sh record:
#   awk -f tests/bench/run500.awk > run.txt
BEGIN {
	print "goos: linux\ngoarch: amd64\npkg: example.com/bench"
	print "cpu: Intel(R) Xeon(R) CPU @ 2.20GHz"
	for (k = 0; k < 5; k++)
		for (b = 0; b < 500; b++)
			printf "BenchmarkOp%d/size=%d-8 1000 %d ns/op\n",
				b, b % 8, 100 * (1 + b % 97) + (k * 7 + b) % 10
}
