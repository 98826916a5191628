#include "lims/workflow/sampling/registration.hpp"
#include "lims/workflow/jurisdiction.hpp"

#include "lims/domain/decimal.hpp"
#include "lims/domain/identifiers/approval_number.hpp"
#include "lims/domain/identifiers/credit_code.hpp"
#include "lims/domain/model/product_category.hpp"
#include "lims/store/sql.hpp"
#include "lims/store/task_repository.hpp"
#include "lims/store/user_repository.hpp"
#include "lims/workflow/sampling/dates.hpp"
#include "lims/workflow/sampling/errors.hpp"
#include "lims/workflow/sampling/state_tables.hpp"

#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <set>
#include <sstream>

using namespace Poco::Data::Keywords;

namespace lims::workflow::sampling {

namespace {

using domain::Error;
template <typename T>
using Result = domain::Result<T>;

const std::set<std::string>& entity_kinds() {
    static const std::set<std::string> k{"pharmacy", "hospital",         "clinic",           "distributor",    "manufacturer",
                                         "cdc",      "vaccination_site", "cosmetics_business", "device_business"};
    return k;
}

// a + b == total, exactly (decimal text, compared by value at a common scale).
bool adds_up(const domain::Decimal& a, const domain::Decimal& b, const domain::Decimal& total) {
    const int scale = std::max({a.scale(), b.scale(), total.scale()});
    // Coefficients at the common scale; a value too large for that is not a sample quantity.
    auto at = [&](const domain::Decimal& d) -> std::optional<std::int64_t> {
        std::int64_t v = d.coefficient();
        for (int i = d.scale(); i < scale; ++i) {
            if (v > INT64_MAX / 10) return std::nullopt;
            v *= 10;
        }
        return v;
    };
    const auto x = at(a), y = at(b), z = at(total);
    return x && y && z && *x <= INT64_MAX - *y && *x + *y == *z;
}

Result<domain::Decimal> positive_decimal(const std::string& field, const std::string& text) {
    auto d = domain::Decimal::parse(text);
    if (!d) return invalid_field(field, "\"" + text + "\" is not a decimal number");
    if (d->is_negative() || d->is_zero()) return invalid_field(field, "must be more than zero");
    return d;
}

// Everything that can be checked without the database, field by field.
std::optional<Error> validate(const RegistrationRequest& r, std::chrono::sys_seconds now) {
    if (!domain::sample_category_of(r.product.category))
        return invalid_field("product.category", "unknown category \"" + r.product.category + "\"");
    if (!entity_kinds().count(r.entity.kind)) return invalid_field("entity.kind", "unknown kind \"" + r.entity.kind + "\"");
    if (auto c = domain::CreditCode::parse(r.entity.credit_code); !c) return invalid_field("entity.credit_code", c.error().message);
    if (auto c = domain::CreditCode::parse(r.product.manufacturer_credit_code); !c)
        return invalid_field("product.manufacturer_credit_code", c.error().message);
    if (!r.product.approval_number.empty() && (r.product.category == "drug" || r.product.category == "tcm_decoction_piece"))
        if (auto a = domain::ApprovalNumber::parse(r.product.approval_number); !a)
            return invalid_field("product.approval_number", a.error().message);

    const auto sampled = parse_utc(r.sampled_at);
    if (!sampled) return invalid_field("sampled_at", "\"" + r.sampled_at + "\" is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
    if (*sampled > now + kClockSkewAllowance) return invalid_field("sampled_at", r.sampled_at + " is in the future");
    const auto today = beijing_day(now);
    const auto produced = parse_date(r.production_date);
    if (!produced) return invalid_field("production_date", "\"" + r.production_date + "\" is not a date YYYY-MM-DD");
    if (*produced > today) return invalid_field("production_date", r.production_date + " is in the future");
    if (*produced > beijing_day(*sampled))
        return invalid_field("production_date", "the batch was made after it was sampled (" + r.sampled_at + ")");
    if (r.expiry_date) {
        const auto expires = parse_date(*r.expiry_date);
        if (!expires) return invalid_field("expiry_date", "\"" + *r.expiry_date + "\" is not a date YYYY-MM-DD");
        if (*expires <= *produced)
            return invalid_field("expiry_date", "expiry " + *r.expiry_date + " is not after production " + r.production_date);
    }

    auto total = positive_decimal("quantity", r.quantity);
    if (!total) return total.error();
    auto test = positive_decimal("test_quantity", r.test_quantity);
    if (!test) return test.error();
    auto retained = positive_decimal("retained_quantity", r.retained_quantity);
    if (!retained) return retained.error();
    if (!adds_up(*test, *retained, *total))
        return invalid_field("retained_quantity", "test " + r.test_quantity + " and retained " + r.retained_quantity +
                                                      " do not add up to the quantity " + r.quantity);
    if (!domain::storage_condition_from(r.storage_condition))
        return invalid_field("storage_condition", "unknown storage condition \"" + r.storage_condition + "\"");

    if (r.seal_numbers.empty()) return invalid_field("seal_numbers", "a sample is sealed: give its seal numbers");
    std::set<std::string> seals;
    for (std::size_t i = 0; i < r.seal_numbers.size(); ++i)
        if (!seals.insert(r.seal_numbers[i]).second)
            return invalid_field("seal_numbers[" + std::to_string(i) + "]", "seal " + r.seal_numbers[i] + " is listed twice");
    std::set<std::int64_t> samplers(r.sampler_user_ids.begin(), r.sampler_user_ids.end());
    if (samplers.size() != r.sampler_user_ids.size())
        return invalid_field("sampler_user_ids", "a sampler is listed twice");
    if (samplers.size() < kMinSamplers)
        return invalid_field("sampler_user_ids", "sampling needs at least two samplers");
    return validate_field_record(r.field, r.online, r.sampler_certificates, r.sampler_user_ids.size(), r.quantity, today);
}

Result<std::int64_t> find_or_record_entity(store::Transaction& tx, const Actor& actor, const SampledEntity& e,
                                           std::int64_t office_id, const std::string& region) {
    const std::string code = domain::CreditCode::parse(e.credit_code)->text();
    auto known = store::sql(tx, "SELECT id FROM regulated_entities WHERE credit_code = $1 ORDER BY id LIMIT 1", {code});
    if (!known.rows.empty()) return known.rows.front().integer(0);
    // First visit: the office records the entity under its own jurisdiction.
    const std::string at = tx.now_utc();
    const std::int64_t id =
        store::sql(tx,
                   "INSERT INTO regulated_entities (name, kind, credit_code, jurisdiction_org_id, region_code, address, "
                   "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                   {e.name, e.kind, code, office_id, region, e.address, at})
            .rows.at(0)
            .integer(0);
    Poco::JSON::Object after;
    after.set("name", e.name);
    after.set("kind", e.kind);
    after.set("credit_code", code);
    after.set("jurisdiction_org_id", office_id);
    std::ostringstream json;
    after.stringify(json);
    tx.record({actor.name, "regulated_entity.create", "regulated_entity", std::to_string(id), "", json.str(),
               "recorded at sampling"});
    return static_cast<std::int64_t>(id);
}

}  // namespace

bool sample_visible(store::Transaction& tx, const Actor& actor, const domain::Sample& sample) {
    if (auto path = store::organisation_path(tx, sample.org_id); path && jurisdiction::covers(actor, *path)) return true;
    // A laboratory sees what was shipped to it.
    auto paths = store::sql(tx,
                            "SELECT o.path FROM shipment_items i JOIN shipments h ON h.id = i.shipment_id "
                            "JOIN organisations o ON o.id = h.to_org_id WHERE i.sample_id = $1",
                            {sample.id});
    return std::any_of(paths.rows.begin(), paths.rows.end(),
                       [&](const store::SqlRow& p) { return jurisdiction::covers(actor, p.text(0)); });
}

Result<domain::Sample> register_sample(store::Database& db, const Actor& actor, const RegistrationRequest& r) {
    const auto clock_now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    // Roles first, so a bureau viewer is told 403 whatever the body says.
    if (!actor.roles.intersects(domain::machines::sample().find(domain::kNotCreated, "register")->roles))
        return take(domain::machines::sample(), domain::kNotCreated, "register", actor).error();
    if (auto bad = validate(r, clock_now)) return *bad;

    return db.write([&](store::Transaction& tx) -> Result<domain::Sample> {
        // The task's id, office and state only, through a statement compiled once per
        // connection (TaskRepository::get_by_number compiles two anew, with focus tags).
        struct TaskKey {
            std::int64_t id = 0, office_org_id = 0;
            std::string state;
        };
        std::optional<TaskKey> task;
        if (auto found = store::sql(tx, "SELECT id, office_org_id, state FROM tasks WHERE number = $1", {r.task_number});
            !found.rows.empty())
            task = TaskKey{found.rows.front().integer(0), found.rows.front().integer(1), found.rows.front().take_text(2)};
        // Another office's task is answered like a missing one (no other jurisdiction's record is revealed).
        if (!task || task->office_org_id != actor.org_id.value_or(0))
            return invalid_field("task_number", "there is no task " + r.task_number + " of your office");

        // Samplers: active users of the task's office who hold the sampler role, in one query.
        std::vector<store::SqlParam> params{task->office_org_id};
        for (auto id : r.sampler_user_ids) params.emplace_back(id);
        auto samplers = store::sql(tx,
                                   "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'sampler' "
                                   "WHERE u.org_id = $1 AND u.active = 1 AND u.id IN (" +
                                       store::sql_param_list(r.sampler_user_ids.size(), 2) + ")",
                                   params);
        std::set<std::int64_t> good;
        for (const auto& row : samplers.rows) good.insert(row.integer(0));
        for (std::size_t i = 0; i < r.sampler_user_ids.size(); ++i)
            if (!good.count(r.sampler_user_ids[i]))
                return invalid_field("sampler_user_ids[" + std::to_string(i) + "]",
                                     "user " + std::to_string(r.sampler_user_ids[i]) + " is not a sampler of your office");
        // Seals already used, in one query (the unique key still decides under a race).
        params.assign(r.seal_numbers.begin(), r.seal_numbers.end());
        auto used = store::sql(tx, "SELECT seal_number FROM sample_seals WHERE seal_number IN (" +
                                       store::sql_param_list(r.seal_numbers.size()) + ")",
                               params);
        if (!used.rows.empty()) {
            std::set<std::string> taken;
            for (const auto& row : used.rows) taken.insert(row.text(0));
            for (std::size_t i = 0; i < r.seal_numbers.size(); ++i)
                if (taken.count(r.seal_numbers[i]))
                    return invalid_field("seal_numbers[" + std::to_string(i) + "]",
                                         "seal " + r.seal_numbers[i] + " is already on another sample");
        }

        if (r.product.catalogue_id) {
            auto found = store::sql(tx, "SELECT id FROM products WHERE id = $1", {*r.product.catalogue_id});
            if (found.rows.empty()) return invalid_field("product.id", "there is no catalogue product " + std::to_string(*r.product.catalogue_id));
        }

        auto to = take(domain::machines::sample(), domain::kNotCreated, "register", actor, [&](std::string_view g) {
            if (g == "two_samplers") return r.sampler_user_ids.size() >= kMinSamplers;
            if (g == "task_in_progress") return task->state == "in_progress";
            return false;
        });
        if (!to) return to.error();

        auto region = store::sql(tx, "SELECT region_code FROM organisations WHERE id = $1", {actor.org_id.value_or(0)});
        // An online shop is recorded under its registered region, not the office's.
        auto entity_id = find_or_record_entity(tx, actor, r.entity, actor.org_id.value_or(0),
                                               sampled_unit_region(r.online).value_or(
                                                   region.rows.empty() ? "" : region.rows.front().text(0)));
        if (!entity_id) return entity_id.error();

        store::NewSample s;
        s.org_id = actor.org_id.value_or(0);
        s.category = *domain::sample_category_of(r.product.category);
        s.task_id = task->id;
        s.entity_id = *entity_id;
        s.product_id = r.product.catalogue_id;
        s.product_name = r.product.name;
        s.batch_number = r.batch_number;
        s.production_date = r.production_date;
        s.expiry_date = r.expiry_date;
        s.quantity = r.quantity;
        s.unit = r.unit;
        s.storage_condition = *domain::storage_condition_from(r.storage_condition);
        s.sampled_at = format_utc_seconds(*parse_utc(r.sampled_at));
        s.sampling_place = r.sampling_place;
        s.registered_by = actor.user_id.value_or(0);
        s.seal_numbers = r.seal_numbers;
        s.sampler_user_ids = r.sampler_user_ids;
        s.portions = {{domain::PortionKind::test, r.test_quantity, r.unit, std::nullopt},
                      {domain::PortionKind::retained, r.retained_quantity, r.unit, std::nullopt}};
        s.trace_codes = r.trace_codes;
        s.state = *to;
        store::SampleRepository samples(tx);
        auto sample = samples.register_sample(s, actor.name);
        if (!sample) {
            if (store::kind_of(sample.error()) == store::StoreErrorKind::conflict)  // a seal taken meanwhile
                return invalid_field("seal_numbers", sample.error().message);
            return sample.error();
        }
        const auto manufacturer_code = domain::CreditCode::parse(r.product.manufacturer_credit_code)->text();
        samples.set_label(sample->id, {r.product.category, r.product.dosage_form, r.product.specification,
                                       r.product.approval_number, r.product.manufacturer_name, manufacturer_code});
        samples.add_custody_event({0, sample->id, "register", std::string(domain::kNotCreated), *to, actor.user_id.value_or(0),
                                   actor.name, actor.org_id.value_or(0), "", r.sampling_place, std::nullopt, "", "", ""});
        record_field_details(tx, sample->id, r.field, r.online, r.sampler_user_ids, r.sampler_certificates, actor.name,
                             actor.user_id);
        return sample;
    });
}

Result<SampleDetail> get_sample(store::Database& db, const Actor& actor, const std::string& number) {
    return db.read([&](store::Transaction& tx) -> Result<SampleDetail> {
        store::SampleRepository samples(tx);
        auto sample = samples.get_by_number(number);
        if (!sample || !sample_visible(tx, actor, *sample)) return not_found("There is no sample " + number + ".");
        SampleDetail d{*sample, samples.label(sample->id), "", samples.receipts(sample->id), load_field_record(tx, sample->id)};
        if (sample->task_id) {
            auto task = store::sql(tx, "SELECT number FROM tasks WHERE id = $1", {*sample->task_id});
            if (!task.rows.empty()) d.task_number = task.rows.front().take_text(0);
        }
        return d;
    });
}

Result<store::SamplePage> list_samples(store::Database& db, const Actor& actor, const SampleFilter& f) {
    return db.read([&](store::Transaction& tx) -> Result<store::SamplePage> {
        store::SampleQuery q;
        std::vector<std::string> kind;
        tx.session() << "SELECT kind FROM organisations WHERE id = $1", bind(static_cast<Poco::Int64>(actor.org_id.value_or(0))),
            into(kind), now;
        if (!kind.empty() && kind.front() == "inspection_centre") q.shipped_to_org = actor.org_id.value_or(0);
        else q.within_org = actor.org_id.value_or(0);
        q.state = f.state;
        if (f.task_number) {
            auto task = store::TaskRepository(tx).get_by_number(*f.task_number);
            if (!task) return store::SamplePage{};  // no such task: no samples
            q.task_id = task->id;
        }
        q.after_id = f.after_id;
        q.limit = f.limit;
        return store::SampleRepository(tx).list(q);
    });
}

}  // namespace lims::workflow::sampling
