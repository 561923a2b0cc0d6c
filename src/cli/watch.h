// `moyin watch`: build once, then rebuild whenever a file under the watched
// folders is written (inotify). The rebuild itself is `moyin build` with the
// same options, so the build cache converts only what changed.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace moyin::cli {

// One build: returns its exit status and adds to `used` every file its
// outputs were made from (inputs, images, snippets, style sheets).
using Build = std::function<int(std::vector<std::filesystem::path>& used)>;

// Watches the folders of `paths` (a folder recursively; a file's or a
// book.yaml's folder recursively) and calls `build` once at the start and
// after every burst of changes (writes within 50 ms are one rebuild),
// printing one line per rebuild with its time. The folders of the files a
// build used are watched too from then on (each alone, not its sub-folders):
// snippets included from a project root above the document, images found
// through --resource-path. Returns after `max_rebuilds` rebuilds (0: never),
// or 1 when nothing can be watched.
int watch(const std::vector<std::string>& paths, int max_rebuilds, const Build& build);

}  // namespace moyin::cli
