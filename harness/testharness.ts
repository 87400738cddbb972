// WPT's testharness.js, unmodified, from the pinned wpt-runner package. It is a classic script that
// installs its API on `self`; importing it for its side effects evaluates it once in this bundle.
import 'wpt-runner/testharness/testharness.js';
