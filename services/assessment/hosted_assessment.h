// How ServiceHost hosts the assessment service.
#ifndef AHPL_SERVICES_ASSESSMENT_HOSTED_ASSESSMENT_H_
#define AHPL_SERVICES_ASSESSMENT_HOSTED_ASSESSMENT_H_

#include "services/common/service_host.h"

namespace ahpl::assessment {

// How ServiceHost creates the assessment service. Setting
// "assessment.classification_target" (host:port) classifies over gRPC, with
// the classifier token in "assessment.classification_token", over TLS
// trusting "assessment.classification_ca" (presenting
// "assessment.classification_cert"/"_key" when set);
// otherwise in process with the ruleset ("classification.ruleset_file").
ServiceFactory AssessmentServiceFactory();

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_HOSTED_ASSESSMENT_H_
