// Progressive enhancement only: every page works with JavaScript off.
import { initAll } from '../govuk/govuk-frontend.min.js'
initAll()
