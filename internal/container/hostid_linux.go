package container

// machineID is systemd's (or D-Bus's) machine ID.
func machineID() string {
	for _, path := range []string{"/etc/machine-id", "/var/lib/dbus/machine-id"} {
		if id := firstLineOf(path); id != "" {
			return id
		}
	}
	return ""
}
