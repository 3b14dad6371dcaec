package matrix

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gorepro/gorepro/internal/config"
)

// Shard is one share of a matrix, `gorepro matrix --shard Index/Count`:
// Index is 1-based, 1 ≤ Index ≤ Count.
type Shard struct {
	Index int
	Count int
}

// ParseShard parses a --shard value "k/n" (for example "2/4"): n ≥ 1 and
// 1 ≤ k ≤ n. A shard count larger than the matrix is allowed; the extra
// shards are empty.
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("invalid shard %q: want k/n, such as 2/4 (shard 2 of 4)", s)
	}
	k, kerr := strconv.Atoi(strings.TrimSpace(ks))
	n, nerr := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case kerr != nil || nerr != nil:
		return Shard{}, fmt.Errorf("invalid shard %q: k and n must be whole numbers, such as 2/4 (shard 2 of 4)", s)
	case n < 1:
		return Shard{}, fmt.Errorf("invalid shard %q: the shard count n must be at least 1", s)
	case k < 1 || k > n:
		return Shard{}, fmt.Errorf("invalid shard %q: k must be between 1 and %d", s, n)
	}
	return Shard{Index: k, Count: n}, nil
}

// String returns the shard as "k/n".
func (s Shard) String() string { return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count) }

// ShardKey is the key that decides a cell's shard: the toolchain's name,
// the protobuf version the cell asks for ("" for targets the axis does not
// apply to), the cover flag, the target's name and the arch as configured
// ("native" stays "native", it is not resolved to the host's GOARCH). It
// holds nothing that depends on the machine, so runners of different
// architectures given the same config split it the same way.
func ShardKey(toolchain, protobuf string, cover bool, target, arch string) string {
	c := "nocover"
	if cover {
		c = "cover"
	}
	return strings.Join([]string{toolchain, protobuf, c, target, cmp.Or(arch, config.ArchNative)}, "\x00")
}

// AssignShards splits keys into n shards and returns each key's shard,
// 1-based: shards[i] is the shard of keys[i]. It is a pure function of the
// keys (not of their order) and n; n < 1 counts as 1.
//
// It is rendezvous (highest random weight) hashing with bounded loads.
// Every key ranks the shards by hash(key, shard). Keys are placed one by
// one in the order of hash(key), each into its highest-ranked shard that
// still has room, where room keeps every shard's load between
// floor(len/n) and ceil(len/n): the shards are balanced to within one key.
//
// Plain rendezvous hashing never moves a key when others are added, but
// its shards are unbalanced (one shard may get twice the cells of
// another); dealing sorted keys round-robin is balanced but moves most keys
// when one is inserted in the middle. Here a key moves only when a key
// placed before it in hash order took the last room of its shard, so when
// a config grows by a toolchain, protobuf version or target, few of the
// existing cells change shard (see TestAssignShardsStability for the
// measured numbers).
func AssignShards(keys []string, n int) []int {
	n = max(n, 1)
	total := len(keys)
	base, extra := total/n, total%n // extra shards get base+1 keys, the others base
	order := make([]int, total)
	orderHash := make([]uint64, total)
	for i, k := range keys {
		order[i] = i
		orderHash[i] = hash64("order", k)
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(orderHash[a], orderHash[b]), strings.Compare(keys[a], keys[b]), cmp.Compare(a, b))
	})
	shards := make([]int, total)
	load := make([]int, n)
	atCeil := 0 // shards holding base+1 keys
	for _, i := range order {
		best, bestScore := -1, uint64(0)
		for s := range n {
			if load[s] > base || (load[s] == base && atCeil >= extra) {
				continue // full
			}
			if score := hash64("shard", keys[i], strconv.Itoa(s+1)); best < 0 || score > bestScore {
				best, bestScore = s, score
			}
		}
		// There is always room: fewer than total keys are placed, so
		// some shard is below base, or fewer than extra are at base+1.
		load[best]++
		if load[best] == base+1 {
			atCeil++
		}
		shards[i] = best + 1
	}
	return shards
}

// hash64 is the first 8 bytes of the SHA-256 of parts joined by NUL bytes:
// stable across machines, Go versions and runs.
func hash64(parts ...string) uint64 {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return binary.BigEndian.Uint64(sum[:8])
}

// cellSpec is one cell of a config before its toolchain is resolved: its
// position in the whole matrix, the index of its toolchain in
// Config.Toolchains, its axis values (arch as configured) and its ShardKey.
type cellSpec struct {
	position  int
	toolchain int
	protobuf  string // "" when the target does not use the protobuf axis
	cover     bool
	target    config.Target
	arch      string // as configured: "native" or a GOARCH
	key       string
}

// cellSpecs lists the cells of cfg in axis order: toolchain, protobuf,
// cover, target, arch.
func cellSpecs(cfg *config.Config) []cellSpec {
	var specs []cellSpec
	for ti, tc := range cfg.Toolchains {
		for i, pb := range cfg.Protobuf {
			for j, cover := range cfg.Cover {
				for _, target := range cfg.Targets {
					cellPB := pb
					if !usesProtobufAxis(target) {
						// The protobuf axis does not apply: one cell
						// per toolchain, cover and arch, asking for none.
						if i > 0 {
							continue
						}
						cellPB = ""
					}
					cellCover := cover
					if !usesCoverAxis(target) {
						// Nor the cover axis: one cell, without -cover.
						if j > 0 {
							continue
						}
						cellCover = false
					}
					for _, arch := range cfg.Arch {
						arch = cmp.Or(arch, config.ArchNative)
						specs = append(specs, cellSpec{position: len(specs), toolchain: ti, protobuf: cellPB, cover: cellCover, target: target, arch: arch,
							key: ShardKey(tc.Name, cellPB, cellCover, target.Name, arch)})
					}
				}
			}
		}
	}
	return specs
}

// shardSpecs keeps the cells of shard s among specs.
func shardSpecs(specs []cellSpec, s Shard) []cellSpec {
	keys := make([]string, len(specs))
	for i, sp := range specs {
		keys[i] = sp.key
	}
	assigned := AssignShards(keys, s.Count)
	var kept []cellSpec
	for i, sp := range specs {
		if assigned[i] == s.Index {
			kept = append(kept, sp)
		}
	}
	return kept
}

// ShardSize returns how many cells of cfg shard s holds, and how many the
// whole matrix has.
func ShardSize(cfg *config.Config, s Shard) (assigned, total int) {
	specs := cellSpecs(cfg)
	return len(shardSpecs(specs, s)), len(specs)
}
