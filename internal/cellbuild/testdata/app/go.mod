module example.com/app

go 1.23

require (
	example.com/dep v0.0.0
	google.golang.org/protobuf v1.36.10
)

replace example.com/dep => ./dep
