// Package termsafe makes text that comes from elsewhere (an API's answer,
// a token endpoint's error text) safe to print on a terminal. A terminal
// obeys control sequences wherever they appear: OSC 0 sets its title, OSC
// 52 writes the clipboard, CSI moves the cursor over earlier lines. The
// escapes are the C0 controls, DEL, and the C1 controls (0x80-0x9F), which
// many terminals take both as raw bytes and UTF-8 encoded (U+0080-U+009F).
// This one rule is used by every printer of such text.
package termsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every control character written out as an escape
// ("\x1b", "\u009b"), and so are bytes that are not UTF-8. Newlines and
// tabs stay, so a multi-line answer keeps its lines.
func Escape(s string) string { return escape(s, false) }

// Line is Escape for text that must stay on one line (an error message):
// newlines and tabs become spaces as well.
func Line(s string) string { return escape(s, true) }

func escape(s string, oneLine bool) string {
	if safe(s, oneLine) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' || r == '\t':
			if oneLine {
				r = ' '
			}
			b.WriteRune(r)
		case control(r):
			if r < 0x80 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// control reports C0, DEL and C1.
func control(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

// safe reports whether escape would leave s as it is.
func safe(s string, oneLine bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if control(r) && (oneLine || r != '\n' && r != '\t') {
			return false
		}
	}
	return true
}
