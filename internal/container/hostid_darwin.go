package container

import "syscall"

// machineID is the Mac's hardware UUID (sysctl kern.uuid).
func machineID() string {
	id, err := syscall.Sysctl("kern.uuid")
	if err != nil {
		return ""
	}
	return id
}
