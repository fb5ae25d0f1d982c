// How ServiceHost hosts the assessment service.
#ifndef AHPL_SERVICES_ASSESSMENT_HOSTED_ASSESSMENT_H_
#define AHPL_SERVICES_ASSESSMENT_HOSTED_ASSESSMENT_H_

#include "services/common/service_host.h"

namespace ahpl::assessment {

// How ServiceHost creates the assessment service: it classifies submissions
// over gRPC when settings.assessment.classification names a target,
// otherwise in process with settings.classification's ruleset.
ServiceFactory AssessmentServiceFactory();

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_HOSTED_ASSESSMENT_H_
