module github.com/ff-exporters/ff-exporters/bench/goff

go 1.26.6

require github.com/thomaspoignant/go-feature-flag v1.55.2

require (
	cloud.google.com/go/compute/metadata v0.9.0 // indirect
	github.com/apache/arrow/go/arrow v0.0.0-20200730104253-651201b0f516 // indirect
	github.com/apache/thrift v0.23.0 // indirect
	github.com/blang/semver v3.5.1+incompatible // indirect
	github.com/envoyproxy/go-control-plane/envoy v1.37.0 // indirect
	github.com/golang/snappy v1.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/klauspost/compress v1.19.1 // indirect
	github.com/pierrec/lz4/v4 v4.1.27 // indirect
	github.com/thomaspoignant/go-feature-flag/modules/core v0.7.2 // indirect
	github.com/xitongsys/parquet-go v1.6.2 // indirect
	github.com/xitongsys/parquet-go-source v0.0.0-20230830030807-0dd610dbff1d // indirect
	golang.org/x/xerrors v0.0.0-20240903120638-7835f813f4da // indirect
)
