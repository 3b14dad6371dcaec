package emulation

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseBinfmtProbe reads the engine probe's line among engine
// warnings, and says which emulator the engine's machine uses.
func TestParseBinfmtProbe(t *testing.T) {
	out := []byte("WARN[0000] \"/\" is not a shared mount\n" +
		`{"gorepro":"binfmt","goarch":"amd64","mounted":true,"status":"enabled","handlers":{` +
		`"rosetta":"enabled\ninterpreter /mnt/rosetta\nflags: OCF\noffset 0\nmagic 7f454c4602010100000000000000000002003e00\nmask fffffffffffefe00fffffffffffffffffeffffff\n",` +
		`"qemu-aarch64":"disabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n"}}` + "\n")
	view, ok := ParseBinfmtProbe(out)
	require.True(t, ok)
	assert.True(t, view.Mounted)
	require.Len(t, view.Handlers, 2)
	assert.Equal(t, "qemu-aarch64", view.Handlers[0].Name)
	assert.False(t, view.Handlers[0].Enabled)
	assert.Equal(t, "/mnt/rosetta", view.Handlers[1].Interpreter)

	emulated, how := view.Emulator("amd64", "arm64")
	assert.True(t, emulated)
	assert.Equal(t, Rosetta, how)
	emulated, how = view.Emulator("arm64", "arm64")
	assert.False(t, emulated)
	assert.Empty(t, how)

	_, ok = ParseBinfmtProbe([]byte("exec format error\n"))
	assert.False(t, ok)
}

// TestEngineViewEmulator: what the probe process saw of Rosetta in
// itself wins over the handlers' names; without it the handler decides;
// without a matching handler the emulator is unknown.
func TestEngineViewEmulator(t *testing.T) {
	qemu := ParseHandler("qemu-x86_64", []byte("enabled\ninterpreter /usr/bin/qemu-x86_64-static\nflags: F\noffset 0\nmagic 7f454c4602010100000000000000000002003e00\nmask fffffffffffefe00fffffffffffffffffeffffff\n"))
	tests := []struct {
		name string
		view EngineView
		want string
	}{
		{"qemu handler", EngineView{Mounted: true, Handlers: []Handler{qemu}}, QemuUser},
		{"rosetta seen in the process", EngineView{Mounted: true, Handlers: []Handler{qemu}, TranslatorSeen: "/mnt/rosetta"}, Rosetta},
		{"nothing registered that matches", EngineView{Mounted: true}, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emulated, how := tt.view.Emulator("amd64", "arm64")
			assert.True(t, emulated)
			assert.Equal(t, tt.want, how)
		})
	}
}
