package termsafe

import "testing"

// TestEscape: OSC 0 (set the title) and OSC 52 (write the clipboard), in
// their 7-bit and 8-bit (C1, raw and UTF-8) forms, never reach the
// terminal; text, newlines and tabs do.
func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, esc, line string }{
		{"plain text\n\tindented", "plain text\n\tindented", "plain text  indented"},
		{"\x1b]0;pwned\x07title", `\x1b]0;pwned\x07title`, `\x1b]0;pwned\x07title`},
		{"\x1b]52;c;aGk=\x1b\\", `\x1b]52;c;aGk=\x1b\`, `\x1b]52;c;aGk=\x1b\`},
		{"\u009d52;c;aGk=\u009c", `\u009d52;c;aGk=\u009c`, `\u009d52;c;aGk=\u009c`}, // C1 as UTF-8
		{"\x9d0;t\x9c", `\x9d0;t\x9c`, `\x9d0;t\x9c`},                               // C1 as raw bytes
		{"a\rb\x7fc\x00", `a\x0db\x7fc\x00`, `a\x0db\x7fc\x00`},
		{"Grüße ✓ \u00a0", "Grüße ✓ \u00a0", "Grüße ✓ \u00a0"},
	} {
		if got := Escape(tc.in); got != tc.esc {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.esc)
		}
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
	}
}
