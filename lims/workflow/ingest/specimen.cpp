#include "lims/workflow/ingest/specimen.hpp"

#include "lims/domain/identifiers/sample_number.hpp"

namespace lims::workflow::ingest {

domain::Result<SpecimenReference> parse_specimen_id(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.empty()) return domain::make_error("ingest.specimen_empty", "the instrument sent no specimen id");
    SpecimenReference ref;
    std::string_view number = text;
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        const std::string_view suffix = text.substr(slash + 1);
        number = text.substr(0, slash);
        int ordinal = 0;
        bool digits = !suffix.empty() && suffix.size() <= 2;
        for (char c : suffix) {
            if (c < '0' || c > '9') digits = false;
            else ordinal = ordinal * 10 + (c - '0');
        }
        if (!digits || ordinal < 1 || ordinal > kMaxPortionOrdinal)
            return domain::make_error("ingest.specimen_portion",
                                      "specimen \"" + std::string(text) + "\": the portion after '/' must be 1.." +
                                          std::to_string(kMaxPortionOrdinal));
        ref.test_portion = ordinal;
    }
    auto parsed = domain::SampleNumber::parse(number);
    if (!parsed)
        return domain::make_error(parsed.error().code,
                                  "specimen \"" + std::string(text) + "\": " + parsed.error().message);
    ref.sample_number = parsed->text();
    return ref;
}

}  // namespace lims::workflow::ingest
