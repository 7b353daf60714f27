print("pingshen-bench")
