// The report's embedded scripts and style (see embed_assets.cmake), internal to src/report.
#pragma once

#include <string>
#include <string_view>

namespace ouro::report::detail {

// The bytes of the named asset: "vega", "vega_lite", "vega_embed" (the npm bundles) or "page_js",
// "page_css" (the report page's own code); empty when the build did not find the file.
std::string asset(std::string_view name);

}  // namespace ouro::report::detail
