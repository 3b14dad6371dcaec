package crashlog

import "github.com/gorepro/gorepro/internal/record"

// FirstBuildCrash returns the first crash in out that names a program's
// failure — one with a goroutine trace, or one an emulator reported — as
// the record of a crash while building (stage and command as the caller
// ran them, Program from program given the crash's lines); nil when out
// holds none. It serves every place a toolchain's own program can crash:
// a prepare command or go build of a cell, an image's go command asked its
// version, make.bash of a Go commit.
func FirstBuildCrash(out []byte, stage, command string, program func(lines []string) string) *record.BuildCrash {
	reading := Read(out)
	if len(reading.Crashes) == 0 {
		return nil
	}
	c := reading.Crashes[0]
	if !c.Traced && c.Emulator == "" {
		return nil
	}
	return &record.BuildCrash{
		Stage:     stage,
		Command:   command,
		Program:   program(c.Lines),
		Signature: c.Signature(),
		Frames:    c.Frames,
	}
}
