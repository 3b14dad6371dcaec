package matrix

import (
	"encoding/hex"
	"os"
	"runtime"
	"strings"

	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/record"
)

func hostInfo() record.Host {
	h := record.Host{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, NumCPU: runtime.NumCPU()}
	h.Hostname, _ = os.Hostname()
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		h.Kernel = strings.TrimSpace(string(b))
	}
	return h
}

func fileSHA256(path string) (string, error) {
	sum, err := gorootfiles.SHA256File(path)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(sum), nil
}
