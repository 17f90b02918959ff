module github.com/acme/inventory-service

go 1.22.0

toolchain go1.22.5

require (
	github.com/gin-gonic/gin v1.9.1
	github.com/golang-jwt/jwt/v5 v5.2.0
	github.com/jackc/pgx/v5 v5.5.4
	github.com/prometheus/client_golang v1.19.0
	go.uber.org/zap v1.27.0
	google.golang.org/grpc v1.62.1
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/bytedance/sonic v1.11.2 // indirect
	github.com/cespare/xxhash/v2 v2.2.0 // indirect
	github.com/docker/docker v24.0.9+incompatible // indirect
	github.com/gin-contrib/sse v0.1.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	golang.org/x/crypto v0.21.0 // indirect
	golang.org/x/net v0.22.0 // indirect
	golang.org/x/sys v0.18.0 // indirect
	golang.org/x/text v0.14.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20240311132316-a219d84964c2 // indirect
	google.golang.org/protobuf v1.33.0 // indirect
	github.com/acme/inventory-proto v0.4.0 // indirect
)

// Pinned until https://github.com/golang/go/issues/65000 is fixed upstream.
replace golang.org/x/net => golang.org/x/net v0.23.0

replace (
	github.com/acme/inventory-proto => ../inventory-proto
	github.com/docker/docker v24.0.9+incompatible => github.com/moby/moby v24.0.9+incompatible
)

exclude google.golang.org/grpc v1.61.0

retract (
	v1.3.0 // published with a broken migration
	[v1.0.0, v1.0.2]
)
