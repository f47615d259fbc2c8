import RLWE
print("RLWEBenchmark")
