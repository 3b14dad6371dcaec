module gorepro.local/repro

go 1.17

require google.golang.org/protobuf v1.33.0
