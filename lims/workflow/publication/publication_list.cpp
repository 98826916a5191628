#include "lims/workflow/publication/publication_list.hpp"

#include "lims/domain/calendar/beijing_time.hpp"
#include "lims/domain/text/sha256.hpp"
#include "lims/store/number_counter.hpp"
#include "lims/workflow/documents/document_source.hpp"
#include "lims/workflow/documents/service_periods.hpp"
#include "lims/workflow/documents/sql_rows.hpp"
#include "lims/workflow/jurisdiction.hpp"
#include "lims/workflow/publication/publication_pdf.hpp"
#include "lims/workflow/publication/xlsx_workbook.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>
#include <map>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::publication {

namespace errors = domain::errors;
namespace docs = lims::workflow::documents;
using docs::select_rows;
using docs::text_or_empty;
using domain::Result;

namespace {

constexpr const char* kEntity = "publication_list";

domain::Error list_not_found(std::string_view number) {
    return errors::not_found("publication.not_found", "There is no publication list " + std::string(number) + ".");
}

Result<std::int64_t> person_of(const Actor& actor) {
    if (!actor.user_id)
        return errors::forbidden("publication.person_required",
                                 "a publication list is produced, reviewed and released by a signed-in person");
    return *actor.user_id;
}

std::string escaped(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

domain::Date today_in_beijing(store::Transaction& tx) {
    return domain::beijing_date(*docs::parse_stored_instant(tx.now_utc()));
}

// The list's row, its organisation's path (for the jurisdiction check) and its steps.
struct StoredList {
    PublicationList list;
    std::string org_path;
    std::int64_t org_id = 0;
    std::int64_t created_by_id = 0;
    std::optional<std::int64_t> supersedes_id;
    std::optional<std::int64_t> reviewer_id;
};

std::string state_of(const std::vector<ListStep>& steps) {
    std::string state = "draft";
    for (const auto& s : steps) {
        if (s.step == "returned") return "returned";
        if (s.step == "released") return "released";
        if (s.step == "reviewed") state = "reviewed";
    }
    return state;
}

std::optional<StoredList> load(store::Transaction& tx, std::string_view number) {
    auto rows = select_rows(tx,
                            "SELECT l.id, l.number, o.name, o.path, l.period_from, l.period_to, l.list_version, "
                            "l.supersedes_list_id, l.correction_reason, l.withheld_json, l.content_sha256, "
                            "l.created_by_name, l.created_at, l.created_by, l.org_id, p.number "
                            "FROM publication_lists l JOIN organisations o ON o.id = l.org_id "
                            "LEFT JOIN publication_lists p ON p.id = l.supersedes_list_id WHERE l.number = $1",
                            std::string(number));
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    StoredList s;
    auto& l = s.list;
    l.id = std::stoll(text_or_empty(r[0]));
    l.number = text_or_empty(r[1]);
    l.org_name = text_or_empty(r[2]);
    s.org_path = text_or_empty(r[3]);
    l.period_from = text_or_empty(r[4]);
    l.period_to = text_or_empty(r[5]);
    l.list_version = std::stoi(text_or_empty(r[6]));
    if (r[7]) s.supersedes_id = std::stoll(*r[7]);
    l.correction_reason = text_or_empty(r[8]);
    Poco::JSON::Parser parser;
    if (auto withheld = parser.parse(text_or_empty(r[9])).extract<Poco::JSON::Array::Ptr>())
        for (std::size_t i = 0; i < withheld->size(); ++i) {
            // Lists produced before the reasons were kept name report numbers only: those
            // were held back while their re-inspection was being tested.
            if (auto o = withheld->getObject(static_cast<unsigned>(i))) {
                l.withheld.push_back({o->optValue<std::string>("report_number", ""), o->optValue<std::string>("reason", ""),
                                      o->optValue<std::string>("until", ""), o->optValue<std::string>("party", ""),
                                      o->optValue<std::string>("rule", "")});
            } else {
                l.withheld.push_back(
                    {withheld->getElement<std::string>(static_cast<unsigned>(i)), "reinspection_pending", "", "", ""});
            }
        }
    l.content_sha256 = text_or_empty(r[10]);
    l.created_by = text_or_empty(r[11]);
    l.created_at = text_or_empty(r[12]);
    s.created_by_id = std::stoll(text_or_empty(r[13]));
    s.org_id = std::stoll(text_or_empty(r[14]));
    l.supersedes_number = text_or_empty(r[15]);
    const Poco::Int64 id = l.id;
    for (const auto& st : select_rows(tx,
                                      "SELECT step, by_name, at_utc, reason, by_user_id FROM publication_list_steps "
                                      "WHERE list_id = $1 ORDER BY id",
                                      id)) {
        l.steps.push_back({text_or_empty(st[0]), text_or_empty(st[1]), text_or_empty(st[2]), text_or_empty(st[3])});
        if (text_or_empty(st[0]) == "reviewed") s.reviewer_id = std::stoll(text_or_empty(st[4]));
    }
    l.state = state_of(l.steps);
    for (const auto& e : select_rows(tx,
                                     "SELECT report_number, sample_number, product_name, manufacturer, specification, "
                                     "batch_number, sampled_unit, source, basis, result, failing_items, laboratory, "
                                     "report_date FROM publication_list_entries WHERE list_id = $1 ORDER BY seq",
                                     id))
        l.entries.push_back({text_or_empty(e[0]), text_or_empty(e[1]), text_or_empty(e[2]), text_or_empty(e[3]),
                             text_or_empty(e[4]), text_or_empty(e[5]), text_or_empty(e[6]), text_or_empty(e[7]),
                             text_or_empty(e[8]), text_or_empty(e[9]), text_or_empty(e[10]), text_or_empty(e[11]),
                             text_or_empty(e[12])});
    // The released correction of this list, if any.
    auto next = select_rows(tx,
                            "SELECT l.number FROM publication_lists l WHERE l.supersedes_list_id = $1 AND EXISTS "
                            "(SELECT 1 FROM publication_list_steps s WHERE s.list_id = l.id AND s.step = 'released')",
                            id);
    if (!next.empty()) l.superseded_by = text_or_empty(next[0][0]);
    return s;
}

Result<StoredList> visible(store::Transaction& tx, std::string_view number, const Actor& actor) {
    auto s = load(tx, number);
    if (!s || !jurisdiction::covers(actor, s->org_path)) return list_not_found(number);
    return std::move(*s);
}

std::string audit_json(const PublicationList& l) {
    Poco::JSON::Object o;
    o.set("number", l.number);
    o.set("state", l.state);
    o.set("period_from", l.period_from);
    o.set("period_to", l.period_to);
    o.set("list_version", l.list_version);
    o.set("entries", static_cast<int>(l.entries.size()));
    o.set("content_sha256", l.content_sha256);
    if (!l.supersedes_number.empty()) o.set("supersedes", l.supersedes_number);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

// The issued nonconforming reports of the period in the caller's subtree, as entries;
// those that may still be re-inspected are held back with the reason.
struct Gathered {
    std::vector<PublicationEntry> entries;
    std::vector<WithheldResult> withheld;
};

// Why report `report_id` of sample `sample_id` may still be re-inspected as of `now`, or
// nothing when it may not (re-inspection completed, or the window closed for every party
// that may apply: the sampled unit, and the labelled manufacturer when the product names
// one, as the service obligations count them: documents/service_of_documents.cpp).
Result<std::optional<WithheldResult>> still_reinspectable(store::Transaction& tx, const domain::WorkingCalendar& calendar,
                                                          const std::string& report_number, std::int64_t report_id,
                                                          std::int64_t sample_id, domain::Instant now) {
    const Poco::Int64 report = report_id, sample = sample_id;
    WithheldResult held{report_number, "", "", "", ""};
    auto re = select_rows(tx, "SELECT state FROM reinspections WHERE sample_id = $1", sample);
    if (!re.empty()) {
        if (text_or_empty(re[0][0]) == "completed") return std::optional<WithheldResult>{};
        held.reason = "reinspection_pending";
        return std::optional<WithheldResult>{held};
    }
    auto facts = select_rows(tx,
                             "SELECT COALESCE(p.category, (SELECT sl.category FROM sample_labels sl WHERE sl.sample_id = "
                             "s.id)), s.entity_id, p.manufacturer_entity_id, COALESCE(p.manufacturer_name, '') FROM "
                             "samples s LEFT JOIN products p ON p.id = s.product_id WHERE s.id = $1",
                             sample);
    if (facts.empty()) return errors::internal("publication.sample", "report " + report_number + " has no sample");
    const std::string category = text_or_empty(facts[0][0]);
    if (category.empty())
        return errors::conflict("publication.report_unreadable",
                                "report " + report_number +
                                    " cannot be listed: its sample has neither a catalogue product nor a label category, "
                                    "so its re-inspection window cannot be counted");
    auto period = documents::reinspection_period(documents::default_service_periods(), category);
    if (!period) return period.error();
    held.rule = (*period)->key;
    std::vector<std::string> parties;
    if (facts[0][1]) parties.emplace_back("sampled_unit");
    if (facts[0][2] || !text_or_empty(facts[0][3]).empty()) parties.emplace_back("manufacturer");
    std::map<std::string, std::string> served;
    for (const auto& row : select_rows(tx,
                                       "SELECT ds.recipient_kind, MIN(pf.served_on) FROM document_services ds JOIN "
                                       "document_service_proofs pf ON pf.service_id = ds.id WHERE ds.report_id = $1 "
                                       "GROUP BY ds.recipient_kind",
                                       report))
        served[text_or_empty(row[0])] = text_or_empty(row[1]);
    std::optional<domain::Instant> closes;
    for (const auto& party : parties) {
        auto on = served.find(party);
        if (on == served.end()) {
            held.reason = "not_served";
            held.party = party;
            return std::optional<WithheldResult>{held};
        }
        auto day = domain::parse_date(on->second);
        if (!day) return errors::internal("publication.served_on", "stored date of service " + on->second + " is no date");
        auto due = documents::counted_from_service(calendar, **period, *day);
        if (!due) return due.error();
        if (!closes || due->due > *closes) closes = due->due;
    }
    if (closes && now < *closes) {
        held.reason = "window_open";
        held.until = domain::format_instant(*closes);
        return std::optional<WithheldResult>{held};
    }
    return std::optional<WithheldResult>{};
}

Result<Gathered> gather(store::Transaction& tx, const domain::WorkingCalendar& calendar, const Actor& actor,
                        domain::Date from, domain::Date to) {
    // Issued_at is a UTC instant: a day either side, then each one's Beijing date decides.
    const std::string lower = domain::format_date(from - std::chrono::days(1));
    const std::string upper = domain::format_date(to + std::chrono::days(2));
    auto rows = select_rows(tx,
                            "SELECT r.number, r.issued_at, o.path, o.name, pl.title, r.id, s.id "
                            "FROM reports r JOIN samples s ON s.id = r.sample_id JOIN organisations o ON o.id = s.org_id "
                            "LEFT JOIN tasks t ON t.id = s.task_id LEFT JOIN sampling_plans pl ON pl.id = t.plan_id "
                            "WHERE r.state = 'issued' AND r.conclusion = 'does_not_conform' AND r.issued_at >= $1 "
                            "AND r.issued_at < $2 ORDER BY r.issued_at, r.id",
                            lower, upper);
    auto now = docs::parse_stored_instant(tx.now_utc());
    if (!now) return now.error();
    Gathered out;
    for (const auto& r : rows) {
        if (!jurisdiction::covers(actor, text_or_empty(r[2]))) continue;
        auto at = docs::parse_stored_instant(text_or_empty(r[1]));
        if (!at) return at.error();
        const auto day = domain::beijing_date(*at);
        if (day < from || day > to) continue;
        const std::string number = text_or_empty(r[0]);
        auto held = still_reinspectable(tx, calendar, number, std::stoll(text_or_empty(r[5])),
                                        std::stoll(text_or_empty(r[6])), *now);
        if (!held) return held.error();
        if (*held) {
            out.withheld.push_back(std::move(**held));
            continue;
        }
        auto doc = docs::load_report_document(tx, number);
        if (!doc)
            return errors::conflict("publication.report_unreadable",
                                    "report " + number + " cannot be listed: " + doc.error().message);
        auto entry = entry_of(*doc, sampling_source(text_or_empty(r[4]), text_or_empty(r[3])));
        if (!entry) return entry.error();
        out.entries.push_back(std::move(*entry));
    }
    return out;
}

Result<PublicationList> insert_list(store::Transaction& tx, const domain::WorkingCalendar& calendar, const Actor& actor,
                                    std::int64_t user, domain::Date from,
                                    domain::Date to, int version, std::optional<std::int64_t> supersedes,
                                    const std::string& reason) {
    if (!actor.org_id)
        return errors::forbidden("publication.organisation_required",
                                 "a publication list is made by a bureau: the caller belongs to no organisation");
    auto gathered = gather(tx, calendar, actor, from, to);
    if (!gathered) return gathered.error();
    auto org = select_rows(tx, "SELECT name FROM organisations WHERE id = $1", Poco::Int64(*actor.org_id));
    const std::string org_name = org.empty() ? "" : text_or_empty(org[0][0]);
    const std::string period_from = domain::format_date(from), period_to = domain::format_date(to);
    const std::string hash =
        domain::sha256_hex(canonical_text(org_name, period_from, period_to, version, gathered->entries));

    const int year = domain::year_of(today_in_beijing(tx));
    const auto seq = store::next_counter_value(tx, "publication_list:" + std::to_string(year));
    char number[32];
    std::snprintf(number, sizeof number, "GK%04d-%06lld", year, static_cast<long long>(seq));
    Poco::JSON::Array withheld;
    for (const auto& w : gathered->withheld) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("report_number", w.report_number);
        o->set("reason", w.reason);
        if (!w.until.empty()) o->set("until", w.until);
        if (!w.party.empty()) o->set("party", w.party);
        if (!w.rule.empty()) o->set("rule", w.rule);
        withheld.add(o);
    }
    std::ostringstream withheld_json;
    withheld.stringify(withheld_json);
    Poco::Nullable<Poco::Int64> previous;
    if (supersedes) previous = *supersedes;
    const std::string num = number, at = tx.now_utc(), withheld_text = withheld_json.str();
    const Poco::Int64 org_id = *actor.org_id, by = user;
    Poco::Int64 id = 0;
    tx.session() << "INSERT INTO publication_lists (number, org_id, period_from, period_to, list_version, "
                    "supersedes_list_id, correction_reason, withheld_json, content_sha256, created_by, created_by_name, "
                    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        bind(num), bind(org_id), bind(period_from), bind(period_to), bind(version), bind(previous), bind(reason),
        bind(withheld_text), bind(hash), bind(by), bind(actor.name), bind(at), into(id), now;
    int seq_no = 0;
    for (const auto& e : gathered->entries) {
        ++seq_no;
        tx.session() << "INSERT INTO publication_list_entries (list_id, seq, report_number, sample_number, "
                        "product_name, manufacturer, specification, batch_number, sampled_unit, source, basis, result, "
                        "failing_items, laboratory, report_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                        "$12, $13, $14, $15)",
            bind(id), bind(seq_no), bind(e.report_number), bind(e.sample_number), bind(e.product_name),
            bind(e.manufacturer), bind(e.specification), bind(e.batch_number), bind(e.sampled_unit), bind(e.source),
            bind(e.basis), bind(e.result), bind(e.failing_items), bind(e.laboratory), bind(e.report_date), now;
    }
    auto made = load(tx, num);
    if (!made) return list_not_found(num);
    tx.record({actor.name, supersedes ? "publication_list.correct" : "publication_list.produce", kEntity, num, "",
               audit_json(made->list), reason});
    return std::move(made->list);
}

Result<domain::Date> checked_period(const NewList& request) {
    if (request.period_from > request.period_to)
        return errors::invalid("period_to", "publication.period_order",
                               "the period ends (" + domain::format_date(request.period_to) + ") before it begins (" +
                                   domain::format_date(request.period_from) + ")");
    if ((request.period_to - request.period_from).count() + 1 > kMaxPeriodDays)
        return errors::invalid("period_to", "publication.period_too_long",
                               "one list covers at most " + std::to_string(kMaxPeriodDays) + " days");
    return request.period_to;
}

Result<PublicationList> add_step(store::Database& db, std::string_view number, const std::string& step,
                                 const std::string& reason, const Actor& actor, const review::SigningIntent& signing,
                                 const review::PasswordCheck& check) {
    auto user = person_of(actor);
    if (!user) return user.error();
    return db.write([&](store::Transaction& tx) -> Result<PublicationList> {
        auto stored = visible(tx, number, actor);
        if (!stored) return stored.error();
        const auto& l = stored->list;
        const std::string required = step == "released" ? "reviewed" : "draft";
        if (l.state != required)
            return errors::conflict(step == "released" ? "publication.not_reviewed" : "publication.not_draft",
                                    "publication list " + l.number + " is " + l.state + ": only a " + required +
                                        " list can be " + step);
        // Four eyes: the producer neither reviews nor releases their own list.
        if (stored->created_by_id == *user)
            return errors::forbidden("publication.same_person",
                                     "publication list " + l.number + " was produced by " + l.created_by +
                                         ": another person reviews and releases it");
        const char* meaning = step == "reviewed" ? "reviewed" : step == "returned" ? "rejected" : "released";
        auto signature = review::sign(tx, check, actor, signing, kEntity, l.number, meaning, l.content_sha256);
        if (!signature) return signature.error();
        const Poco::Int64 list_id = l.id, by = *user;
        const std::string at = tx.now_utc();
        tx.session() << "INSERT INTO publication_list_steps (list_id, step, reason, by_user_id, by_name, at_utc) "
                        "VALUES ($1, $2, $3, $4, $5, $6)",
            bind(list_id), bind(step), bind(reason), bind(by), bind(actor.name), bind(at), now;
        auto after = load(tx, l.number);
        if (!after) return list_not_found(l.number);
        const std::string action = step == "reviewed" ? "review" : step == "returned" ? "return" : "release";
        tx.record({actor.name, "publication_list." + action, kEntity, l.number, audit_json(l), audit_json(after->list),
                   reason});
        return std::move(after->list);
    });
}

}  // namespace

std::string sampling_source(std::string_view plan_title, std::string_view sampling_org) {
    if (plan_title.empty()) return std::string(sampling_org);
    if (sampling_org.empty()) return std::string(plan_title);
    return std::string(plan_title) + "（" + std::string(sampling_org) + "）";
}

Result<PublicationEntry> entry_of(const documents::ReportDocument& report, std::string source) {
    if (report.conclusion != documents::ReportConclusion::does_not_conform)
        return errors::conflict("publication.report_conforms",
                                "report " + report.report_number + " conforms: only nonconforming products are listed");
    PublicationEntry e;
    e.report_number = report.report_number;
    e.sample_number = report.sample_number;
    e.product_name = report.product_name;
    e.manufacturer = report.manufacturer;
    e.specification = report.specification;
    e.batch_number = report.batch_number;
    e.sampled_unit = report.sampled_unit;
    e.source = std::move(source);
    e.basis = report.basis;
    e.result = std::string(documents::to_chinese(report.conclusion));
    for (const auto& item : report.items) {
        if (item.verdict != documents::ItemVerdict::does_not_conform) continue;
        std::string one = item.item + "（检验结果：" + item.result + item.unit;
        if (!item.requirement.empty()) one += "；标准规定：" + item.requirement;
        one += "）";
        e.failing_items += (e.failing_items.empty() ? "" : "；") + one;
    }
    e.laboratory = report.issuer;
    e.report_date = report.issue_date;
    return e;
}

std::string canonical_text(const std::string& org_name, const std::string& period_from, const std::string& period_to,
                           int list_version, const std::vector<PublicationEntry>& entries) {
    std::string out = "organisation=" + escaped(org_name) + "\nperiod_from=" + period_from + "\nperiod_to=" +
                      period_to + "\nlist_version=" + std::to_string(list_version) + "\n";
    int n = 0;
    for (const auto& e : entries) {
        const std::string p = "entry." + std::to_string(++n) + ".";
        const std::pair<const char*, const std::string*> fields[] = {
            {"report_number", &e.report_number}, {"sample_number", &e.sample_number},
            {"product_name", &e.product_name},   {"manufacturer", &e.manufacturer},
            {"specification", &e.specification}, {"batch_number", &e.batch_number},
            {"sampled_unit", &e.sampled_unit},   {"source", &e.source},
            {"basis", &e.basis},                 {"result", &e.result},
            {"failing_items", &e.failing_items}, {"laboratory", &e.laboratory},
            {"report_date", &e.report_date}};
        for (const auto& [key, value] : fields) out += p + key + "=" + escaped(*value) + "\n";
    }
    return out;
}

Result<PublicationList> produce_list(store::Database& db, const domain::WorkingCalendar& calendar, const NewList& request,
                                     const Actor& actor) {
    auto user = person_of(actor);
    if (!user) return user.error();
    if (auto period = checked_period(request); !period) return period.error();
    return db.write([&](store::Transaction& tx) -> Result<PublicationList> {
        const auto today = today_in_beijing(tx);
        if (request.period_to > today)
            return errors::invalid("period_to", "publication.period_in_future",
                                   "the period ends " + domain::format_date(request.period_to) + ", after today (" +
                                       domain::format_date(today) + ", Beijing time): list a period that is over");
        return insert_list(tx, calendar, actor, *user, request.period_from, request.period_to, 1, std::nullopt, "");
    });
}

Result<PublicationList> review_list(store::Database& db, std::string_view number, ReviewDecision decision,
                                    const std::string& reason, const Actor& actor, const review::SigningIntent& signing,
                                    const review::PasswordCheck& check) {
    if (decision == ReviewDecision::returned && reason.find_first_not_of(" \t\r\n") == std::string::npos)
        return errors::invalid("reason", "publication.reason_required", "say why the list is returned");
    return add_step(db, number, decision == ReviewDecision::reviewed ? "reviewed" : "returned", reason, actor, signing,
                    check);
}

Result<PublicationList> release_list(store::Database& db, std::string_view number, const Actor& actor,
                                     const review::SigningIntent& signing, const review::PasswordCheck& check) {
    return add_step(db, number, "released", "", actor, signing, check);
}

Result<PublicationList> correct_list(store::Database& db, const domain::WorkingCalendar& calendar, std::string_view number,
                                     const std::string& reason, const Actor& actor) {
    auto user = person_of(actor);
    if (!user) return user.error();
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
        return errors::invalid("reason", "publication.reason_required", "say what the correction corrects");
    return db.write([&](store::Transaction& tx) -> Result<PublicationList> {
        auto stored = visible(tx, number, actor);
        if (!stored) return stored.error();
        const auto& l = stored->list;
        if (l.state != "released")
            return errors::conflict("publication.not_released", "publication list " + l.number + " is " + l.state +
                                                                    ": only a released list is corrected");
        const Poco::Int64 id = l.id;
        for (const auto& next : select_rows(tx, "SELECT number FROM publication_lists WHERE supersedes_list_id = $1", id)) {
            auto other = load(tx, text_or_empty(next[0]));
            if (other && other->list.state != "returned")
                return errors::conflict("publication.correction_open",
                                        "publication list " + l.number + " already has correction " + other->list.number +
                                            " (" + other->list.state + ")");
        }
        // The correction is the bureau's list: produced for the list's organisation.
        Actor as_list = actor;
        as_list.org_id = stored->org_id;
        as_list.org_path = stored->org_path;
        auto from = domain::parse_date(l.period_from);
        auto to = domain::parse_date(l.period_to);
        if (!from || !to) return errors::internal("publication.period", "stored period of " + l.number + " is not dates");
        return insert_list(tx, calendar, as_list, *user, *from, *to, l.list_version + 1, l.id, reason);
    });
}

Result<PublicationList> find_list(store::Database& db, std::string_view number, const Actor& actor) {
    return db.read([&](store::Transaction& tx) -> Result<PublicationList> {
        auto stored = visible(tx, number, actor);
        if (!stored) return stored.error();
        return std::move(stored->list);
    });
}

Result<std::vector<ListSummary>> list_lists(store::Database& db, const Actor& actor, int limit) {
    return db.read([&](store::Transaction& tx) -> Result<std::vector<ListSummary>> {
        auto rows = select_rows(tx,
                                "SELECT l.number, o.path FROM publication_lists l JOIN organisations o ON o.id = l.org_id "
                                "ORDER BY l.id DESC");
        std::vector<ListSummary> out;
        for (const auto& r : rows) {
            if (static_cast<int>(out.size()) >= limit) break;
            if (!jurisdiction::covers(actor, text_or_empty(r[1]))) continue;
            auto s = load(tx, text_or_empty(r[0]));
            if (!s) continue;
            const auto& l = s->list;
            out.push_back({l.number, l.org_name, l.period_from, l.period_to, l.state, l.created_by, l.created_at,
                           l.superseded_by, l.list_version, static_cast<int>(l.entries.size())});
        }
        return out;
    });
}

figures::Table list_table(const PublicationList& list) {
    figures::Table t;
    t.columns = {"序号",     "标示产品名称", "标示生产企业",   "规格",     "批号",     "被抽样单位", "抽样来源",
                 "检验依据", "检验结果",     "不符合规定项目", "检验机构", "报告日期", "报告编号",   "样品编号"};
    int n = 0;
    for (const auto& e : list.entries)
        t.rows.push_back({std::to_string(++n), e.product_name, e.manufacturer, e.specification, e.batch_number,
                          e.sampled_unit, e.source, e.basis, e.result, e.failing_items, e.laboratory, e.report_date,
                          e.report_number, e.sample_number});
    return t;
}

namespace {

Result<PublicationList> released(store::Database& db, std::string_view number, const Actor& actor) {
    auto list = find_list(db, number, actor);
    if (!list) return list.error();
    if (list->state != "released")
        return errors::conflict("publication.not_released",
                                "publication list " + list->number + " is " + list->state +
                                    ": its CSV and workbook are made once it is released (the PDF shows the draft)");
    return list;
}

}  // namespace

Result<std::string> list_pdf(store::Database& db, std::string_view number, const Actor& actor) {
    auto list = find_list(db, number, actor);
    if (!list) return list.error();
    return render_list_pdf(*list);
}

Result<std::string> list_csv(store::Database& db, std::string_view number, const Actor& actor) {
    auto list = released(db, number, actor);
    if (!list) return list.error();
    return figures::to_csv(list_table(*list));
}

Result<std::string> list_xlsx(store::Database& db, std::string_view number, const Actor& actor) {
    auto list = released(db, number, actor);
    if (!list) return list.error();
    figures::Table about;
    about.columns = {"项目", "内容"};
    about.rows = {{"名单编号", list->number},
                  {"公开单位", list->org_name},
                  {"报告签发期间", list->period_from + " 至 " + list->period_to},
                  {"版本", std::to_string(list->list_version)},
                  {"更正", list->supersedes_number.empty() ? "" : list->supersedes_number + "：" + list->correction_reason},
                  {"内容摘要（SHA-256）", list->content_sha256}};
    for (const auto& s : list->steps)
        about.rows.push_back({s.step == "reviewed" ? "审核" : s.step == "released" ? "批准发布" : "退回",
                              s.by + " " + domain::chinese_date_time_of(s.at)});
    return xlsx_workbook({{"不符合规定产品", list_table(*list)}, {"名单信息", about}});
}

}  // namespace lims::workflow::publication
