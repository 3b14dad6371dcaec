package matrix

import (
	"encoding/hex"
	"os"
	"runtime"
	"strings"

	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/record"
)

// hostInfo describes this host, with env (KEY=VALUE, see keyEnv) as its
// recorded Environment: never nil, so that a run with none set says so.
func hostInfo(env []string) record.Host {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	h := record.Host{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, NumCPU: runtime.NumCPU(), Environment: &vars}
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
