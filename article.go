package porter

import "strings"

// withArticle puts "a" or "an" before phrase, as its first word sounds:
// "an active lease", "an in_progress inspection", "a draft lease". Messages
// that name a status build their article here rather than writing "a %s".
func withArticle(phrase string) string {
	w := strings.ToLower(phrase)
	an := w != "" && strings.ContainsRune("aeiou", rune(w[0]))
	// Vowel letters read as a consonant, and the reverse.
	for _, p := range []string{"uni", "use", "usu", "ure", "one", "once", "eu"} {
		if strings.HasPrefix(w, p) {
			an = false
		}
	}
	for _, p := range []string{"hour", "honest", "honor", "honour"} {
		if strings.HasPrefix(w, p) {
			an = true
		}
	}
	if an {
		return "an " + phrase
	}
	return "a " + phrase
}
