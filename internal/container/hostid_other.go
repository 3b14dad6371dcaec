//go:build !linux && !darwin

package container

// machineID is unknown here: HostID falls back to the hostname.
func machineID() string { return "" }
