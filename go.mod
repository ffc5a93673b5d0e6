module github.com/go-dht/go-dht

go 1.26.8

require (
	github.com/zeebo/xxh3 v1.1.0
	golang.org/x/sync v0.24.0
)

require (
	github.com/klauspost/cpuid/v2 v2.2.10 // indirect
	golang.org/x/sys v0.30.0 // indirect
)
