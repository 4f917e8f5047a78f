// The one place gofer's version is defined. CMakeLists.txt reads the three
// numbers from this file, so the package version and the header can never
// disagree.
#pragma once

#define GOFER_VERSION_MAJOR 0
#define GOFER_VERSION_MINOR 1
#define GOFER_VERSION_PATCH 0

// One comparable number, e.g. 10200 for 1.2.0, for `#if GOFER_VERSION >= ...`.
#define GOFER_VERSION \
  (GOFER_VERSION_MAJOR * 10000 + GOFER_VERSION_MINOR * 100 + GOFER_VERSION_PATCH)
