package container

import (
	"os"
	"strings"
)

// HostID identifies this host in the gorepro.hostid label of every container
// gorepro creates, so that CleanupStale and StaleContainer judge only the
// containers of processes on this host: the machine's ID (machineID:
// /etc/machine-id on Linux, the hardware UUID on macOS), which unlike the
// hostname does not change when a Mac joins another network. Without one
// it is "host:" and the hostname.
func HostID() string {
	if id := machineID(); id != "" {
		return id
	}
	host, _ := os.Hostname()
	return "host:" + host
}

// firstLineOf returns the first line of the file at path, trimmed; "" when
// it cannot be read.
func firstLineOf(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line)
}
