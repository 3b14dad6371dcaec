// Package statcache keeps what gorepro computes from files that rarely
// change — a GOROOT's manifest, a toolchain's build fingerprint, the hash
// of gorepro's own executable — in its cache directory, under the name of
// a stat signature of those files, so that a run reads them again only
// after one of them changed.
//
// A Signature hashes, for each file, its path, size, modification time
// and inode number: a file rewritten in place gets a new modification
// time, a file replaced a new inode, a file added or removed changes the
// list. Store writes a value atomically (a temporary file in the same
// directory, renamed), so that concurrent gorepro processes and
// goroutines never read half of one; Load returns it. Both are best
// effort: a cache that cannot be read or written only costs the
// recomputation.
package statcache

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/gorepro/gorepro/internal/atomicfile"
)

// Signature is a stat signature being built (see the package doc).
type Signature struct {
	h   hash.Hash
	w   *bufio.Writer // in front of h: a GOROOT adds 5,600 entries
	buf []byte        // one entry's line, re-used
}

// New starts a signature; header names what it is the signature of (a
// format version and, say, the GOROOT), so that two uses never share a
// name.
func New(header string) *Signature {
	h := sha256.New()
	s := &Signature{h: h, w: bufio.NewWriterSize(h, 32<<10)}
	fmt.Fprintf(s.w, "%s\n", header)
	return s
}

// File adds the file at path: "path size mtime inode", or "path missing"
// when it cannot be statted.
func (s *Signature) File(path string) {
	fi, err := os.Stat(path)
	if err != nil {
		fmt.Fprintf(s.w, "%s missing\n", path)
		return
	}
	var ino uint64
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = uint64(st.Ino)
	}
	s.Entry(path, fi.Size(), fi.ModTime().UnixNano(), ino)
}

// Entry adds a file already statted: its name, size, modification time
// (Unix nanoseconds) and inode number.
func (s *Signature) Entry(name string, size, mtime int64, ino uint64) {
	b := append(s.buf[:0], name...)
	b = append(strconv.AppendInt(append(b, ' '), size, 10), ' ')
	b = append(strconv.AppendInt(b, mtime, 10), ' ')
	b = append(strconv.AppendUint(b, ino, 10), '\n')
	_, _ = s.w.Write(b) // writes to a hash, which cannot fail
	s.buf = b
}

// Name is the signature as a file name: 32 hex digits.
func (s *Signature) Name() string {
	_ = s.w.Flush() // writes to a hash, which cannot fail
	return hex.EncodeToString(s.h.Sum(nil))[:32]
}

// Load returns the value stored at path, and whether there is one.
func Load(path string) ([]byte, bool) {
	data, err := os.ReadFile(path)
	return data, err == nil
}

// Store writes data at path atomically, creating its directory; a
// failure leaves nothing behind and is not reported (see the package doc).
func Store(path string, data []byte) {
	if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	_ = atomicfile.WriteCache(path, data, 0o644)
}
