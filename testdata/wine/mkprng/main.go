// Command mkprng writes bcryptprimitives.dll for Wine 8.0: a 1 KiB x86-64
// PE DLL with no code whose only export, ProcessPrng, forwards to
// advapi32.SystemFunction036 (RtlGenRandom). Go's runtime (1.22+) loads
// bcryptprimitives.dll!ProcessPrng at start, which Wine 8.0 does not have.
//
// Usage: go run ./testdata/wine/mkprng OUT.dll
//
// Layout (PE/COFF specification): DOS header, "PE\0\0", COFF header,
// PE32+ optional header, one section header, then at file offset 0x200
// (RVA 0x1000) the section, which is just the export directory: a function
// whose RVA points inside the export directory is a forwarder, and the
// string there names the target.
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
)

const (
	fileAlign  = 0x200
	sectAlign  = 0x1000
	sectRVA    = 0x1000
	imageBase  = 0x180000000
	dllName    = "bcryptprimitives.dll"
	exportName = "ProcessPrng"
	forwardTo  = "advapi32.SystemFunction036"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkprng OUT.dll")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], build(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// exports returns the export directory as it sits at RVA sectRVA.
func exports() []byte {
	const (
		dirSize   = 40           // IMAGE_EXPORT_DIRECTORY
		eat       = dirSize      // Export Address Table: 1 RVA
		names     = eat + 4      // Name Pointer Table: 1 RVA
		ordinals  = names + 4    // Ordinal Table: 1 uint16
		strings   = ordinals + 2 // the three strings
		nameOff   = strings
		exportOff = nameOff + len(dllName) + 1
		fwdOff    = exportOff + len(exportName) + 1
	)
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	le(uint32(0))                  // Characteristics
	le(uint32(0))                  // TimeDateStamp
	le(uint16(0))                  // MajorVersion
	le(uint16(0))                  // MinorVersion
	le(uint32(sectRVA + nameOff))  // Name
	le(uint32(1))                  // OrdinalBase
	le(uint32(1))                  // NumberOfFunctions
	le(uint32(1))                  // NumberOfNames
	le(uint32(sectRVA + eat))      // AddressOfFunctions
	le(uint32(sectRVA + names))    // AddressOfNames
	le(uint32(sectRVA + ordinals)) // AddressOfNameOrdinals
	le(uint32(sectRVA + fwdOff))   // ProcessPrng -> the forwarder string
	le(uint32(sectRVA + exportOff))
	le(uint16(0)) // ProcessPrng is function 0
	for _, s := range []string{dllName, exportName, forwardTo} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	return b.Bytes()
}

func build() []byte {
	exp := exports()
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }

	// DOS header: "MZ", and at 0x3c the offset of the PE signature.
	b.WriteString("MZ")
	b.Write(make([]byte, 0x3c-2))
	le(uint32(0x40))

	// PE signature and COFF file header.
	b.WriteString("PE\x00\x00")
	le(uint16(0x8664)) // Machine: AMD64
	le(uint16(1))      // NumberOfSections
	le(uint32(0))      // TimeDateStamp
	le(uint32(0))      // PointerToSymbolTable
	le(uint32(0))      // NumberOfSymbols
	le(uint16(240))    // SizeOfOptionalHeader (PE32+)
	le(uint16(0x2022)) // Characteristics: DLL | LARGE_ADDRESS_AWARE | EXECUTABLE_IMAGE

	// Optional header, PE32+.
	le(uint16(0x20b))               // Magic
	le([2]uint8{14, 0})             // Linker version
	le(uint32(0))                   // SizeOfCode
	le(uint32(fileAlign))           // SizeOfInitializedData
	le(uint32(0))                   // SizeOfUninitializedData
	le(uint32(0))                   // AddressOfEntryPoint: none, no DllMain
	le(uint32(sectRVA))             // BaseOfCode
	le(uint64(imageBase))           // ImageBase
	le(uint32(sectAlign))           // SectionAlignment
	le(uint32(fileAlign))           // FileAlignment
	le([2]uint16{6, 0})             // OS version
	le([2]uint16{0, 0})             // Image version
	le([2]uint16{6, 0})             // Subsystem version
	le(uint32(0))                   // Win32VersionValue
	le(uint32(sectRVA + sectAlign)) // SizeOfImage
	le(uint32(fileAlign))           // SizeOfHeaders
	le(uint32(0))                   // CheckSum
	le(uint16(3))                   // Subsystem: console
	le(uint16(0x0100))              // DllCharacteristics: NX_COMPAT
	le(uint64(0x100000))            // SizeOfStackReserve
	le(uint64(0x1000))              // SizeOfStackCommit
	le(uint64(0x100000))            // SizeOfHeapReserve
	le(uint64(0x1000))              // SizeOfHeapCommit
	le(uint32(0))                   // LoaderFlags
	le(uint32(16))                  // NumberOfRvaAndSizes
	le(uint32(sectRVA))             // Data directory 0: export table
	le(uint32(len(exp)))
	b.Write(make([]byte, 15*8)) // the other 15 directories: none

	// Section header.
	var name [8]byte
	copy(name[:], ".edata")
	le(name)
	le(uint32(len(exp)))   // VirtualSize
	le(uint32(sectRVA))    // VirtualAddress
	le(uint32(fileAlign))  // SizeOfRawData
	le(uint32(fileAlign))  // PointerToRawData
	le([3]uint32{})        // PointerToRelocations, PointerToLinenumbers, counts
	le(uint32(0x40000040)) // Characteristics: INITIALIZED_DATA | MEM_READ

	b.Write(make([]byte, fileAlign-b.Len()))
	b.Write(exp)
	b.Write(make([]byte, 2*fileAlign-b.Len()))
	return b.Bytes()
}
