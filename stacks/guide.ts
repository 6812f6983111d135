/** The guide's numbers live in components/shared/guide.ts (below the components that read them). */
export { GUIDE } from "../components/shared/guide";
