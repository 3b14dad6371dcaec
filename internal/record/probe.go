package record

// EnvFacts is the JSON line gorepro's environment probe target (kind
// "probe") prints: what a
// binary sees of the machine it runs on. Under qemu-user, uname reports
// the emulated machine (aarch64 for an arm64 binary), while /proc/cpuinfo
// and the mmap addresses may give the real host away.
type EnvFacts struct {
	// GoVersion, GOOS and GOARCH are what the probe was compiled as.
	GoVersion string `json:"goVersion"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	// UnameSysname, UnameMachine and UnameRelease are uname(2)'s.
	UnameSysname string `json:"unameSysname,omitempty"`
	UnameMachine string `json:"unameMachine,omitempty"`
	UnameRelease string `json:"unameRelease,omitempty"`
	PageSize     int    `json:"pageSize,omitempty"`
	// MmapLowest and MmapHighest bound the addresses of a few anonymous
	// mappings ("0x7f..."); MmapBit47 says whether the highest has bit 47
	// set, which an amd64 Go runtime before go1.25.5 cannot pack
	// (taggedPointerPack), and AddrBits how many bits it needs.
	MmapLowest  string `json:"mmapLowest,omitempty"`
	MmapHighest string `json:"mmapHighest,omitempty"`
	MmapBit47   bool   `json:"mmapBit47"`
	AddrBits    int    `json:"addrBits,omitempty"`
	// HeapAddr is the address of a large heap allocation.
	HeapAddr string `json:"heapAddr,omitempty"`
	// CPUVendor and CPUModel come from /proc/cpuinfo ("GenuineIntel",
	// "0x41"; "Intel(R) Xeon(R) ...", "0xd0c").
	CPUVendor string `json:"cpuVendor,omitempty"`
	CPUModel  string `json:"cpuModel,omitempty"`
	// BinfmtMounted says whether binfmt_misc was visible; Binfmt lists
	// its handlers as "name state" ("qemu-aarch64 enabled").
	BinfmtMounted bool     `json:"binfmtMounted"`
	Binfmt        []string `json:"binfmt,omitempty"`
	// Problems are the probe's own failures (a system call that failed).
	Problems []string `json:"problems,omitempty"`
}
